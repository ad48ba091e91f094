// Once a managed child's group is gone and its number reused by a stranger's session,
// nothing lastcall does to the long-exited child may reach the stranger (close, signalTree).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { test } from 'node:test';

import { spawnManaged } from 'lastcall/process';

import { fixture, isAlive, killAll, waitForLine } from '../helpers/process.js';

const canChoosePid = (() => {
  try {
    accessSync('/proc/sys/kernel/ns_last_pid', constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();

/** A stranger (session leader + one group member) whose pid and pgid are `pid`. */
async function strangerWithPid(pid) {
  const helper = spawn('python3', [fixture('reuse-pid.py'), String(pid)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await waitForLine(helper.stdout, /^(READY|FAILED)/, 20_000);
  assert.match(line, /^READY /, line);
  return line.split(' ').slice(1).map(Number);
}

test(
  'a reused process-group id is never signalled: close() and signalTree() leave the stranger alone',
  { skip: !canChoosePid && 'needs root to choose a pid' },
  async () => {
    const child = spawnManaged('sleep', ['300'], { stdio: 'ignore' });
    process.kill(child.pid, 'SIGKILL');
    await child.waitForExit();
    const stranger = await strangerWithPid(child.pid);
    try {
      assert.equal(stranger[0], child.pid, 'the stranger leads a group with the old pgid');
      assert.deepEqual(await child.signalTree('SIGTERM'), { groups: [], pids: [] });
      const result = await child.close();
      assert.equal(result.escalation, 'exit');
      assert.deepEqual(
        stranger.filter((pid) => !isAlive(pid)),
        [],
        'the stranger and its group member live',
      );
    } finally {
      killAll(stranger);
    }
  },
);
