// Pins what the bundled build promises (scripts/build.js): `import('lastcall')` reads two files,
// and every subpath shares one copy of the core, so an error class is one class wherever it is reached.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

/** Every file of the package a module imports statically, itself included. */
function staticClosure(url, seen = new Set()) {
  if (seen.has(url.href)) return seen;
  seen.add(url.href);
  for (const [, specifier] of readFileSync(url, 'utf8').matchAll(
    /^(?:import|export)\b[^'"]*['"](\.{1,2}\/[^'"]+)['"]/gm,
  )) {
    staticClosure(new URL(specifier, url), seen);
  }
  return seen;
}

test("import('lastcall') reads two files: the entry and the core chunk", () => {
  const files = [...staticClosure(new URL('../../dist/index.js', import.meta.url))].map((href) =>
    href.replace(/^.*\/dist\//, ''),
  );
  assert.deepEqual(files.sort(), ['index.js', 'shared/core.js']);
});

async function assertOneCore(load) {
  const root = await load('lastcall');
  const http = await load('lastcall/http');
  const processes = await load('lastcall/process');
  const pidfile = await load('lastcall/pidfile');
  assert.throws(
    () => http.httpServer(null),
    (error) => error instanceof root.LastcallError && error instanceof root.NotAServerError,
  );
  assert.throws(
    () => processes.spawnManaged(42),
    (error) => error instanceof root.InvalidOptionError,
  );
  assert.equal(pidfile.PidFileHeldError, root.PidFileHeldError);
}

test('ESM: lastcall/http, /process and /pidfile throw the classes lastcall exports', () =>
  assertOneCore((specifier) => import(specifier)));

test('CommonJS: the same, through require()', () => assertOneCore(createRequire(import.meta.url)));
