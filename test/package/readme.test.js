// README is the front page: its first lines, its table of contents and its length stay as promised,
// and the reference in docs/api.md states the defaults the code's JSDoc states.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { withTableOfContents } from '../../scripts/toc.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const api = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

test('the table of contents lists every section (regenerate with `npm run toc`)', () => {
  assert.equal(withTableOfContents(readme), readme);
});

test('README starts with the two commands of a fresh clone, then the install line', () => {
  assert.match(
    readme,
    /^# lastcall\n\n```sh\nnpm ci && npm run demo .*\nnpm test .*\n```\n\nIn your project: `npm install lastcall`\./,
  );
});

test('README is a front page of at most 300 lines; the reference lives in docs/', () => {
  assert.ok(readme.split('\n').length <= 300, `README.md has ${readme.split('\n').length} lines`);
});

test("each createLifecycle option's JSDoc states the default docs/api.md's table gives", () => {
  const types = readFileSync(new URL('../../dist/core/types.d.ts', import.meta.url), 'utf8');
  const body = types.slice(types.indexOf('export interface LifecycleOptions'));
  const section = api.slice(api.indexOf('## `createLifecycle(options?)`'));
  const rows = [
    ...section.slice(0, section.indexOf('\n\n', section.indexOf('| option'))).matchAll(/^\| `(\w+)` \| (.+?) \|/gm),
  ];
  assert.ok(rows.length >= 10);
  for (const [, option, documented] of rows) {
    const doc = new RegExp(`/\\*\\*([^*]|\\*(?!/))*\\*/\\s*${option}\\?:`).exec(body)?.[0];
    assert.ok(doc, `${option}: no JSDoc`);
    assert.match(doc, /Default/, `${option}: JSDoc names no default`);
    for (const number of documented.match(/\d{2,}/g) ?? [])
      assert.match(doc, new RegExp(number), `${option}: docs/api.md says ${documented}`);
  }
});
