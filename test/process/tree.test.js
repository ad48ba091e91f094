import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';

import { killTree, spawnManaged } from 'lastcall/process';

import { fixture, isAlive, killAll, node, waitForLine } from '../helpers/process.js';

const hasSetsid = (() => {
  try {
    execFileSync('which', ['setsid'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

for (const variant of ['setsid', 'python']) {
  test(
    `close() kills grandchildren, including one that left the group (${variant})`,
    { skip: variant === 'setsid' && !hasSetsid },
    async () => {
      const args = variant === 'python' ? ['--python'] : [];
      const child = spawnManaged(node, [fixture('tree.js'), ...args], { graceMs: 50, termMs: 200 });
      const grandchildren = (await waitForLine(child.stdout, /^READY/)).split(' ').slice(1).map(Number);
      try {
        assert.equal(grandchildren.length, 2);
        assert.ok(grandchildren.every(isAlive));
        const result = await child.close();
        // tree.js exits on SIGTERM; its grandchildren ignore it and need SIGKILL.
        assert.equal(result.escalation, 'sigkill');
        assert.deepEqual(grandchildren.filter(isAlive), []);
      } finally {
        killAll(grandchildren);
      }
    },
  );
}

// Left behind when the child exited by itself: a setsid'd orphan (found by the environment marker), and
// an env-cleared process in the child's group (recorded when the child exited, the group being ours then).
for (const [what, script] of [
  ['a setsid grandchild orphaned before close began (environment marker)', 'setsid sleep 300 & echo $!; exit 0'],
  ['an env-cleared process the exited child left in its group', 'env -i sleep 300 & echo $!; exit 0'],
]) {
  test(`close() after the child exited removes ${what}`, { skip: !hasSetsid }, async () => {
    const child = spawnManaged('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const orphan = Number(await waitForLine(child.stdout, /^\d+$/));
    try {
      await child.waitForExit();
      assert.ok(isAlive(orphan));
      const result = await child.close();
      assert.deepEqual([result.escalation, result.code], ['sigterm', 0]); // sleep dies of SIGTERM
      assert.equal(isAlive(orphan), false);
    } finally {
      killAll([orphan]);
    }
  });
}

test('killTree(pid) signals the whole tree and confirms every death', async () => {
  const parent = spawn(node, [fixture('tree.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const grandchildren = (await waitForLine(parent.stdout, /^READY/)).split(' ').slice(1).map(Number);
  try {
    const soft = await killTree(parent.pid, { signal: 'SIGTERM', timeoutMs: 300 });
    assert.ok(soft.pids.includes(parent.pid));
    assert.deepEqual(soft.survivors.sort(), [...grandchildren].sort()); // they ignore SIGTERM
    // The parent died, so the orphans are found by pid now.
    for (const pid of grandchildren) {
      const hard = await killTree(pid, { signal: 'SIGKILL', timeoutMs: 2000 });
      assert.deepEqual(hard.survivors, []);
    }
    assert.deepEqual(grandchildren.filter(isAlive), []);
  } finally {
    killAll([parent.pid, ...grandchildren]);
  }
});

test('killTree() of a pid that is gone resolves empty', async () => {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  assert.deepEqual(await killTree(child.pid), { pids: [], survivors: [] });
});
