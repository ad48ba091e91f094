// Children that exit 0 on EOF, closed together, each report 'exit' and exit code 0.
// This file's first spawnManaged() is child #1 (its marker prefixes #10-#12's), so keep it first here.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { spawnManaged } from 'lastcall/process';

import { killAll, waitForLine } from '../helpers/process.js';

test('children that exit on EOF, closed side by side, are all reported as exits', async () => {
  // Child i waits i × 40 ms after EOF, so #10-#12 are still running when #1 has exited.
  const children = Array.from({ length: 12 }, (_, i) =>
    spawnManaged('sh', ['-c', 'echo READY; read line; sleep "$1"; exit 0', 'sh', String((i + 1) * 0.04)], {
      graceMs: 3000,
    }),
  );
  try {
    await Promise.all(children.map((c) => waitForLine(c.stdout, /^READY$/)));
    const results = await Promise.all(children.map((c) => c.close()));
    assert.deepEqual(
      results.map((r) => [r.escalation, r.code, r.signal]),
      children.map(() => ['exit', 0, null]),
    );
  } finally {
    killAll(children.map((c) => c.pid));
  }
});
