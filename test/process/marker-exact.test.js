// Markers are `<token>.<n>`; closing child #1 must never match #10-#12 (a prefix).
// This file's first spawnManaged() is child #1, so it must stay the first test here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { spawnManaged } from 'lastcall/process';

import { isAlive, killAll } from '../helpers/process.js';

const markerOf = (pid) =>
  readFileSync(`/proc/${pid}/environ`, 'latin1')
    .split('\0')
    .find((e) => e.startsWith('LASTCALL_TREE='));

test('closing one managed child never signals another whose marker it prefixes (#1 vs #10-#12)', async () => {
  const children = Array.from({ length: 12 }, () => spawnManaged('sleep', ['300'], { stdio: 'ignore' }));
  try {
    const [first, ...others] = children;
    const prefixed = others.filter((c) => markerOf(c.pid).startsWith(markerOf(first.pid)));
    assert.equal(prefixed.length, 3, 'children #10, #11 and #12 carry a marker that #1 prefixes');
    const result = await first.close();
    assert.deepEqual([result.escalation, result.signal], ['sigterm', 'SIGTERM']);
    assert.deepEqual(
      others.filter((c) => !isAlive(c.pid)).map((c) => c.pid),
      [],
      'no sibling was touched',
    );
  } finally {
    await Promise.all(children.map((c) => c.close()));
    killAll(children.map((c) => c.pid));
  }
});
