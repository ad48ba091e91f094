// lastcall's errors: `instanceof` across the ESM and CommonJS builds (per class, not only the base),
// and codes that follow from class names (old codes kept findable in LEGACY_ERROR_CODES).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import * as esm from 'lastcall';

const cjs = createRequire(import.meta.url)('lastcall');
const errorClasses = (m) => Object.keys(m).filter((name) => /Error$/.test(name) && typeof m[name] === 'function');

test('the two builds are two copies: without the brand, instanceof would fail across them', () => {
  assert.notEqual(esm.InvalidOptionError, cjs.InvalidOptionError);
  assert.deepEqual(errorClasses(cjs).sort(), errorClasses(esm).sort());
  assert.ok(errorClasses(esm).length > 30);
});

test('an error thrown by one build is instanceof the same class of the other, and of no other class', () => {
  for (const [thrower, other] of [
    [cjs, esm],
    [esm, cjs],
  ]) {
    let error;
    try {
      thrower.createLifecycle({ deadlineMs: -1 });
    } catch (e) {
      error = e;
    }
    assert.equal(error.code, 'ERR_INVALID_OPTION');
    assert.ok(error instanceof other.InvalidOptionError);
    assert.ok(error instanceof other.LastcallError);
    assert.ok(error instanceof Error);
    assert.ok(!(error instanceof other.UnknownOptionError));
  }
});

test('per class, across builds: every class of one build matches exactly its namesake (and the base) of the other', () => {
  for (const [from, to] of [
    [cjs, esm],
    [esm, cjs],
  ]) {
    for (const name of errorClasses(from)) {
      const instance = Object.create(from[name].prototype);
      for (const other of errorClasses(to)) {
        const expected = other === name || other === 'LastcallError';
        assert.equal(instance instanceof to[other], expected, `${name} instanceof ${other}`);
      }
    }
  }
});

test('without the brand, a look-alike is no lastcall error', () => {
  class InvalidOptionError extends Error {}
  assert.ok(!(new InvalidOptionError('x') instanceof esm.InvalidOptionError));
  assert.ok(!(new Error('x') instanceof esm.LastcallError));
  assert.ok(!(null instanceof esm.LastcallError));
  assert.ok(!({ code: 'ERR_INVALID_OPTION' } instanceof esm.InvalidOptionError));
});

/** FooBarError → ERR_FOO_BAR; "PidFile" is one word. */
const codeFor = (className) =>
  `ERR_${className
    .replace(/Error$/, '')
    .replace('PidFile', 'Pidfile')
    .replace(/(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/g, '_')
    .toUpperCase()}`;

test('every error code follows from its class name', () => {
  const dirs = [new URL('../../src/errors/', import.meta.url), new URL('../../src/cli/', import.meta.url)];
  const found = [];
  for (const dir of dirs) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      for (const m of text.matchAll(/class (\w+) extends LastcallError \{\n\s+readonly code = '(\w+)'/g))
        found.push([m[1], m[2]]);
    }
  }
  assert.ok(found.length >= 35, `found ${found.length}`);
  assert.deepEqual(
    found.filter(([name, code]) => codeFor(name) !== code),
    [],
  );
});

test('LEGACY_ERROR_CODES maps each renamed code to a code in use', () => {
  const codes = new Set();
  for (const file of readdirSync(new URL('../../src/errors/', import.meta.url))) {
    for (const m of readFileSync(new URL(`../../src/errors/${file}`, import.meta.url), 'utf8').matchAll(
      /readonly code = '(\w+)'/g,
    ))
      codes.add(m[1]);
  }
  for (const [old, now] of Object.entries(esm.LEGACY_ERROR_CODES)) {
    assert.ok(!codes.has(old), `${old} is still in use`);
    assert.ok(codes.has(now), `${now} is no code`);
  }
  assert.equal(cjs.LEGACY_ERROR_CODES.ERR_FORCED, 'ERR_FORCED_SHUTDOWN');
});
