// A child that exits leaving an env-cleared process in its group: close() after the exit must still
// remove it (the group was provably ours when the child exited), and signal nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnManaged } from 'lastcall/process';
import { isAlive, killAll, waitForLine } from './helpers.js';

test('close() after the child exited removes an env-cleared process it left in its group', async () => {
  const child = spawnManaged('sh', ['-c', 'env -i sleep 300 & echo $!; exit 0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const leftover = Number(await waitForLine(child.stdout, /^\d+$/));
  try {
    await child.waitForExit();
    assert.ok(isAlive(leftover));
    const result = await child.close();
    assert.deepEqual([result.escalation, result.code], ['sigterm', 0]);
    assert.equal(isAlive(leftover), false);
  } finally {
    killAll([leftover]);
  }
});
