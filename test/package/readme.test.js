// README's navigation and the documented defaults stay true as sections come and go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { headings, withTableOfContents } from '../../scripts/toc.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('the table of contents lists every section (regenerate with `npm run toc`)', () => {
  assert.equal(withTableOfContents(readme), readme);
});

test('every #anchor link in README points at a heading', () => {
  const slugs = new Set(headings(readme).map((h) => h.slug));
  const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
  assert.ok(links.length > 10);
  assert.deepEqual(links.filter((slug) => !slugs.has(slug)), []);
});

test('README starts with the two commands of a fresh clone, then the install line', () => {
  assert.match(readme, /^# lastcall\n\n```sh\nnpm ci && npm run demo .*\nnpm test .*\n```\n\nIn your project: `npm install lastcall`\./);
});

test('each createLifecycle option\'s JSDoc states the default README\'s table gives', () => {
  const types = readFileSync(new URL('../../dist/core/types.d.ts', import.meta.url), 'utf8');
  const body = types.slice(types.indexOf('export interface LifecycleOptions'));
  const section = readme.slice(readme.indexOf('### `createLifecycle(options?)`'));
  const rows = [...section.slice(0, section.indexOf('\n\n', section.indexOf('| option'))).matchAll(/^\| `(\w+)` \| (.+?) \|/gm)];
  assert.ok(rows.length >= 10);
  for (const [, option, readmeDefault] of rows) {
    const doc = new RegExp(`/\\*\\*([^*]|\\*(?!/))*\\*/\\s*${option}\\?:`).exec(body)?.[0];
    assert.ok(doc, `${option}: no JSDoc`);
    assert.match(doc, /Default/, `${option}: JSDoc names no default`);
    for (const number of readmeDefault.match(/\d{2,}/g) ?? []) assert.match(doc, new RegExp(number), `${option}: README says ${readmeDefault}`);
  }
});
