// Type-checks JavaScript/TypeScript snippets with the project's TypeScript against the built package:
// each snippet is a module in a directory inside the repository, so `lastcall`, `lastcall/http`, …
// resolve to this package through its own `exports` (self-reference) and other imports to its
// node_modules. A fragment (`<!-- snippet: fragment -->`) may use names it does not declare (`pool`,
// `app`); those are declared for it, `life` and `server` with their real types. Nothing else is
// forgiven: a syntax error, a wrong option or a misspelt export fails.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import ts from 'typescript';

import { root } from './markdown.js';

const KNOWN = {
  life: "import('lastcall').Lifecycle",
  server: "import('node:http').Server",
  signal: 'AbortSignal',
  createLifecycle: "typeof import('lastcall').createLifecycle",
  httpServer: "typeof import('lastcall/http').httpServer",
  probes: "typeof import('lastcall/http').probes",
  spawnManaged: "typeof import('lastcall/process').spawnManaged",
  supervise: "typeof import('lastcall/process').supervise",
  acquirePidFile: "typeof import('lastcall/pidfile').acquirePidFile",
  lastcallFastify: "typeof import('lastcall/fastify').lastcallFastify",
};
const MISSING_NAME = new Set([2304, 2552, 2582, 2503]);
const MISSING_MODULE = 2307;

const options = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  // JavaScript as users copy it: untyped callback parameters and catch variables are fine.
  noImplicitAny: false,
  useUnknownInCatchVariables: false,
  exactOptionalPropertyTypes: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
};

/**
 * snippets: [{ id, code, kind: 'module' | 'fragment' | 'type' }]. Returns { [id]: string[] } with the
 * diagnostics of each (empty when it checks).
 */
export function typeCheck(snippets) {
  const dir = path.join(root, 'build', `snippets-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const files = new Map(snippets.map((s, i) => [path.join(dir, `snippet-${i}.ts`), s]));
    const source = (s, declared = []) => {
      const body = s.kind === 'type' ? `export type Snippet = ${s.code}` : s.code;
      const declarations = declared.map((name) => `declare const ${name}: ${KNOWN[name] ?? 'any'};`).join(' ');
      // One line of prelude, so line numbers are off by exactly one.
      return `export {}; ${declarations}\n${body}`;
    };
    for (const [file, s] of files) writeFileSync(file, source(s));
    let diagnostics = check([...files.keys()]);
    // Fragments: declare the names they use but do not define, and the packages they import that are
    // not installed here (never lastcall's own or node's), then check again.
    const rewritten = new Set();
    const missingModules = new Set();
    for (const [file, s] of files) {
      if (s.kind !== 'fragment') continue;
      for (const d of diagnostics.get(file) ?? []) {
        const specifier = d.code === MISSING_MODULE ? /'([^']+)'/.exec(flat(d))?.[1] : undefined;
        if (specifier && !/^(lastcall|node:)/.test(specifier)) missingModules.add(specifier);
      }
      const names = [
        ...new Set(
          diagnostics
            .get(file)
            ?.filter((d) => MISSING_NAME.has(d.code))
            .map((d) => /'([^']+)'/.exec(flat(d))?.[1]) ?? [],
        ),
      ];
      if (names.length === 0) continue;
      writeFileSync(file, source(s, names));
      rewritten.add(file);
    }
    // A complete block that imports what is not installed stays an error, even once a fragment's
    // declaration covers that package.
    const unresolved = [...files]
      .filter(([, s]) => s.kind !== 'fragment')
      .map(([file]) => [file, (diagnostics.get(file) ?? []).filter((d) => d.code === MISSING_MODULE)]);
    const ambient = path.join(dir, 'missing-packages.d.ts');
    writeFileSync(ambient, [...missingModules].map((m) => `declare module '${m}';`).join('\n'));
    if (rewritten.size > 0 || missingModules.size > 0) diagnostics = check([...files.keys(), ambient]);
    for (const [file, list] of unresolved)
      if (list.length > 0) diagnostics.set(file, [...list, ...(diagnostics.get(file) ?? [])]);
    return Object.fromEntries(
      [...files].map(([file, s]) => [s.id, (diagnostics.get(file) ?? []).map((d) => describe(d))]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function check(fileNames) {
  const program = ts.createProgram(fileNames, options);
  const byFile = new Map();
  for (const d of [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()]) {
    if (!d.file) continue;
    const list = byFile.get(d.file.fileName) ?? [];
    list.push(d);
    byFile.set(path.normalize(d.file.fileName), list);
  }
  return byFile;
}

const flat = (d) => ts.flattenDiagnosticMessageText(d.messageText, '\n');

function describe(d) {
  const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
  return `line ${line} of the block: TS${d.code} ${flat(d)}`;
}
