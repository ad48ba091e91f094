// The shape of src/ a reader follows: no import circles (type imports count), no file over 300
// lines, and modules that use each other only through core/, internal/, errors and public index files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';

const root = fileURLToPath(new URL('../../src/', import.meta.url));
const MAX_LINES = 300;
// errors.ts is split into its module sections by the errors step of this restructuring; then this goes.
const NOT_YET_SPLIT = new Set();

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** File (relative to src/) → the src/ files it imports or re-exports, static, type-only or dynamic. */
function importGraph() {
  const graph = new Map();
  for (const path of sourceFiles(root)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
    const deps = importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(root, resolve(dirname(path), spec.replace(/\.js$/, '.ts'))));
    graph.set(relative(root, path), [...new Set(deps)]);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The top folder under src/; errors.ts and errors/ are one area. */
const area = (file) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file.replace(/\.ts$/, ''));

/** Why `from` may not import `to`, or undefined when it may. */
function forbidden(from, to) {
  const [a, b] = [area(from), area(to)];
  if (a === b || a === 'index' || to === 'errors.ts') return undefined;
  if (a === 'internal') return 'internal/ imports only internal/ and errors.ts';
  if (b === 'internal') return undefined;
  if (a === 'errors') return 'errors/ imports only errors/ and internal/';
  if (a === 'core') return 'core/ imports only core/, internal/ and errors.ts';
  if (b === 'core') return undefined;
  // Another module only through its public entry point, as a user would.
  if (to === `${b}/index.ts`) return undefined;
  return `${a}/ reaches into ${b}/'s internals`;
}

const graph = importGraph();

test('src/ has no import circles, type-only imports included', () => {
  assert.ok(graph.size > 100, `found ${graph.size} files`);
  assert.deepEqual(cycles(graph), []);
});

test(`no file in src/ is over ${MAX_LINES} lines`, () => {
  const long = [...graph.keys()]
    .map((file) => [file, readFileSync(join(root, file), 'utf8').split('\n').length - 1])
    .filter(([file, lines]) => lines > MAX_LINES && !NOT_YET_SPLIT.has(file));
  assert.deepEqual(long, []);
});

test("modules depend on core/, internal/, errors.ts and each other's index files, never on internals", () => {
  const bad = [];
  for (const [from, deps] of graph) {
    for (const to of deps) {
      const why = forbidden(from, to);
      if (why !== undefined) bad.push(`${from} → ${to}: ${why}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the checker sees what it must: a circle, a type-only import, a reach into internals', () => {
  const planted = new Map([
    ['http/a.ts', ['http/b.ts']],
    ['http/b.ts', ['http/a.ts']],
    ['core/c.ts', ['core/c.ts']],
  ]);
  assert.deepEqual(cycles(planted), [['http/a.ts', 'http/b.ts'], ['core/c.ts']]);
  const typeOnly = ts.preProcessFile("import type { X } from './x.js';\nexport * from './y.js';", true, true);
  assert.deepEqual(
    typeOnly.importedFiles.map((f) => f.fileName),
    ['./x.js', './y.js'],
  );
  assert.match(forbidden('http/drain.ts', 'process/kill-tree.ts'), /internals/);
  assert.match(forbidden('core/lifecycle.ts', 'http/index.ts'), /core/);
  assert.equal(forbidden('cli/run/session.ts', 'process/index.ts'), undefined);
});
