// Every relative link and #anchor in README.md and docs/*.md resolves: the reference is split over
// pages, and a section that moves must not leave a dead link behind.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { headings } from '../../scripts/toc.js';
import { documentationFiles, links, readDoc, root } from '../helpers/markdown.js';

const files = documentationFiles();

test('docs/ has a page per concern, and docs/README.md links every page', () => {
  const pages = [
    'api',
    'http',
    'process',
    'pidfile',
    'integrations',
    'cli-run',
    'cli-doctor',
    'errors',
    'deploying',
    'internals',
    'bench',
  ];
  for (const page of pages) assert.ok(files.includes(`docs/${page}.md`), `docs/${page}.md`);
  const index = links(readDoc('docs/README.md')).map((l) => l.target);
  assert.deepEqual(
    pages.filter((page) => !index.includes(`${page}.md`)),
    [],
  );
});

test('every relative link and #anchor between README.md and docs/ resolves', () => {
  const broken = [];
  let checked = 0;
  for (const file of files) {
    for (const { target, line } of links(readDoc(file))) {
      if (/^[a-z][\w+.-]*:/i.test(target)) continue; // https:, mailto:
      checked++;
      const [relative, anchor] = target.split('#');
      const resolved = relative === '' ? path.join(root, file) : path.resolve(root, path.dirname(file), relative);
      if (!existsSync(resolved)) broken.push(`${file}:${line}: ${target}: no such file`);
      else if (anchor !== undefined) {
        if (!statSync(resolved).isFile() || !resolved.endsWith('.md'))
          broken.push(`${file}:${line}: ${target}: an anchor on a non-markdown target`);
        else if (!headings(readDoc(path.relative(root, resolved))).some((h) => h.slug === anchor))
          broken.push(`${file}:${line}: ${target}: no such heading`);
      }
    }
  }
  assert.ok(checked > 40, `only ${checked} links checked`);
  assert.deepEqual(broken, []);
});

test('errors.md has one heading per error code the package defines, and nothing else names a code it lacks', () => {
  // The sections of src/errors.ts (src/errors/*.ts) and the CLI's own (src/cli/errors.ts).
  const sections = readdirSync(path.join(root, 'src/errors')).map((f) => `src/errors/${f}`);
  const errors = [...sections, 'src/cli/errors.ts'].map(readDoc).join('\n');
  const codes = [...new Set([...errors.matchAll(/code = '(ERR_\w+)'/g)].map((m) => m[1]))].sort();
  assert.ok(codes.length > 30);
  const slugs = new Set(
    headings(readDoc('docs/errors.md'))
      .filter((h) => h.level === 3)
      .map((h) => h.text),
  );
  assert.deepEqual(
    codes.filter((code) => !slugs.has(code)),
    [],
    'codes without a heading in docs/errors.md',
  );
  assert.deepEqual(
    [...slugs].filter((code) => !codes.includes(code)),
    [],
    'headings in docs/errors.md for codes that do not exist',
  );
});

test("every error code the pages name is a current one (old codes only in errors.md's table of renamed codes)", () => {
  const current = new Set(
    headings(readDoc('docs/errors.md'))
      .filter((h) => h.level === 3)
      .map((h) => h.text),
  );
  const stale = [];
  for (const file of files) {
    let text = readDoc(file);
    if (file === 'docs/errors.md') text = text.slice(0, text.indexOf('## Renamed codes'));
    for (const [code] of text.matchAll(/ERR_[A-Z0-9_]+/g)) if (!current.has(code)) stale.push(`${file}: ${code}`);
  }
  assert.deepEqual([...new Set(stale)], []);
});
