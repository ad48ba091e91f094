// Every code block of README.md and docs/*.md is checked: JavaScript and TypeScript type-checked
// against the built package (and run, when marked `<!-- snippet: run -->`), shell parsed by bash and
// its `npm run`/`lastcall` commands checked against package.json and `--help`, JSON, YAML, nginx and
// Python parsed, Dockerfiles and systemd units parsed and checked for what a deployment needs. A block
// marked `<!-- snippet: fragment -->` may use names it does not define; `type` is a type expression;
// `parse` is only parsed. A block with no language, or one no checker knows, fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import ts from 'typescript';

import { codeBlocks, documentationFiles, readDoc, root } from '../helpers/markdown.js';
import {
  checkDockerfileBlock,
  checkJson,
  checkNginx,
  checkShell,
  checkUnitBlock,
  checkYaml,
} from '../helpers/snippet-checks.js';
import { typeCheck } from '../helpers/snippet-typescript.js';

const MARKERS = new Set([undefined, 'fragment', 'type', 'parse', 'run']);
const SCRIPT = new Set(['js', 'ts', 'javascript', 'typescript']);

/** Syntax errors of a JavaScript/TypeScript text (what a `parse` block is held to). */
function syntaxProblems(code) {
  const { diagnostics = [] } = ts.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return diagnostics.map((d) => `syntax: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

/** Syntax errors of a Python block, from python3's own parser. */
function pythonProblems(code) {
  const run = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], {
    input: code,
    encoding: 'utf8',
  });
  return run.status === 0 ? [] : [`python: ${(run.stderr || String(run.error)).trim().split('\n').at(-1)}`];
}

/** Runs a complete JavaScript program from inside the repository, so `lastcall` resolves to this package. */
function runProblems(code) {
  const dir = path.join(root, 'build', `snippet-run-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(path.join(dir, 'snippet.mjs'), code);
    const run = spawnSync(process.execPath, [path.join(dir, 'snippet.mjs')], { encoding: 'utf8', timeout: 20_000 });
    return run.status === 0 ? [] : [`node exited ${run.status ?? run.signal}: ${run.stderr.trim().slice(-500)}`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Problems of every block, keyed `file:line`; script blocks are type-checked in one program. */
export function checkBlocks(blocks) {
  const problems = {};
  const scripts = [];
  for (const block of blocks) {
    const id = `${block.file}:${block.line}`;
    const fragment = block.marker === 'fragment';
    problems[id] = [];
    if (!MARKERS.has(block.marker)) problems[id].push(`unknown marker <!-- snippet: ${block.marker} -->`);
    if (SCRIPT.has(block.lang)) {
      if (block.marker === 'parse') problems[id].push(...syntaxProblems(block.code));
      else
        scripts.push({
          id,
          code: block.code,
          kind: block.marker === 'type' ? 'type' : fragment ? 'fragment' : 'module',
          run: block.marker === 'run',
        });
    } else if (block.lang === 'sh' || block.lang === 'bash') problems[id].push(...checkShell(block.code));
    else if (block.lang === 'json') problems[id].push(...checkJson(block.code));
    else if (block.lang === 'yaml') problems[id].push(...checkYaml(block.code));
    else if (block.lang === 'dockerfile') problems[id].push(...checkDockerfileBlock(block.code, fragment));
    else if (block.lang === 'ini') problems[id].push(...checkUnitBlock(block.code, fragment));
    else if (block.lang === 'nginx') problems[id].push(...checkNginx(block.code));
    else if (block.lang === 'python') problems[id].push(...pythonProblems(block.code));
    else if (block.lang !== 'text') problems[id].push(`language "${block.lang}": no checker (label output as text)`);
  }
  const typed = scripts.length > 0 ? typeCheck(scripts) : {};
  for (const script of scripts) {
    problems[script.id].push(...typed[script.id]);
    if (script.run && typed[script.id].length === 0) problems[script.id].push(...runProblems(script.code));
  }
  return problems;
}

const blocks = documentationFiles().flatMap((file) => codeBlocks(readDoc(file)).map((block) => ({ ...block, file })));
let results;
const resultsOf = () => (results ??= checkBlocks(blocks));

test('the documentation has code blocks of every kind the checker knows', () => {
  const langs = new Set(blocks.map((b) => b.lang));
  for (const lang of ['js', 'ts', 'sh', 'json', 'yaml', 'dockerfile', 'ini', 'nginx', 'text'])
    assert.ok(langs.has(lang), lang);
  assert.ok(
    blocks.some((b) => b.marker === 'run'),
    'at least one complete program is run',
  );
});

for (const file of documentationFiles()) {
  test(`every code block of ${file} checks`, { timeout: 120_000 }, () => {
    const mine = Object.entries(resultsOf()).filter(([id]) => id.startsWith(`${file}:`));
    assert.deepEqual(
      mine.filter(([, problems]) => problems.length > 0),
      [],
    );
  });
}

test('the checker fails a planted syntax error in a copy of a real block, fragment or not', () => {
  const real = blocks.filter((b) => SCRIPT.has(b.lang) && b.marker !== 'type');
  const planted = real.slice(0, 3).map((b, i) => ({ ...b, line: -i - 1, code: b.code.replace(/\)/, ');)') }));
  planted.push({
    ...real.find((b) => b.marker === 'fragment'),
    line: -9,
    code: "import { httpServer } from 'lastcall/http';\nimport { httpServer } from 'lastcall/http';\n",
    marker: 'fragment',
  });
  planted.push({ ...real.find((b) => b.marker === 'parse'), line: -10, code: 'export default {\n' });
  const problems = checkBlocks(planted);
  for (const block of planted) assert.ok(problems[`${block.file}:${block.line}`].length > 0, block.code);
});

test('the checker fails a wrong option, a misspelt export, and the deployment mistakes it exists for', () => {
  const cases = [
    ['js', 'fragment', "import { createLifecycle } from 'lastcall';\ncreateLifecycle({ deadlineMS: 5000 });\n"],
    ['js', undefined, "import { createLifecycles } from 'lastcall';\n"],
    ['js', undefined, "import { Worker } from 'a-queue-client-not-installed';\nnew Worker('q', async () => {});\n"],
    ['js', 'fragment', "import { createLifecycle } from 'lastcall/nope';\ncreateLifecycle();\n"],
    ['js', undefined, 'life.add("db", pool);\n'],
    ['sh', undefined, 'if true; then echo\n'],
    ['sh', undefined, 'npm run no-such-script\n'],
    ['sh', undefined, 'lastcall run --deadlin 5s -- true\n'],
    [
      'dockerfile',
      undefined,
      'FROM node:20-slim\nRUN npm install -g lastcall\nCMD ["lastcall", "run", "--", "python3", "/srv/worker.py"]\n',
    ],
    ['ini', undefined, '[Service]\nExecStart=/usr/bin/lastcall run -- /usr/bin/python3 /srv/worker.py\nUser=worker\n'],
    ['ini', undefined, '[Service]\nExecStart=/usr/local/bin/lastcall run -- /usr/bin/python3 /srv/worker.py\n'],
    ['yaml', undefined, 'a: [1, 2\n'],
    ['json', undefined, '{ "a": 1, }\n'],
    ['nginx', undefined, 'server {\n  listen 80\n}\n'],
    ['', undefined, 'output\n'],
  ];
  const planted = cases.map(([lang, marker, code], i) => ({ file: 'planted', line: i, lang, marker, code }));
  const problems = checkBlocks(planted);
  assert.deepEqual(
    planted.filter((b) => problems[`planted:${b.line}`].length === 0).map((b) => b.code),
    [],
  );
});

test('a fragment may import a package that is not installed here; a complete block may not', () => {
  const code = "import { Worker } from 'a-queue-client-not-installed';\nnew Worker('render', async () => {});\n";
  const problems = checkBlocks([
    { file: 'planted', line: 1, lang: 'js', marker: 'fragment', code },
    { file: 'planted', line: 2, lang: 'js', marker: undefined, code },
  ]);
  assert.deepEqual(problems['planted:1'], []);
  assert.match(problems['planted:2'].join('\n'), /TS2307 Cannot find module 'a-queue-client-not-installed'/);
});
