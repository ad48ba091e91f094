// A child that, on SIGTERM, starts a setsid'd helper and exits. Every walk (not only
// the first) must find the helper, and no result may say "none left" while it lives.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { killTree, spawnManaged } from 'lastcall/process';

import { fixture, isAlive, killAll, waitForLine } from '../helpers/process.js';

function start(args = []) {
  const child = spawnManaged('sh', [fixture('helper-on-term.sh'), ...args], { graceMs: 50, termMs: 500 });
  const helper = waitForLine(child.stdout, /^HELPER \d+/, 10_000).then((line) => Number(line.split(' ')[1]));
  return { child, helper, ready: waitForLine(child.stdout, /^READY$/) };
}

for (const variant of ['marker', 'clear-env']) {
  test(`close() finds a setsid'd helper started on SIGTERM (${variant}) and kills it`, async () => {
    const { child, helper, ready } = start(variant === 'clear-env' ? ['--clear-env'] : []);
    await ready;
    let helperPid;
    try {
      const result = await child.close();
      helperPid = await helper;
      assert.equal(result.escalation, 'sigkill', 'the helper ignores SIGTERM, so the tree needed SIGKILL');
      assert.equal(isAlive(helperPid), false, `helper ${helperPid} survived close()`);
    } finally {
      killAll([child.pid, ...(helperPid ? [helperPid] : [])]);
    }
  });
}

test('killTree(child.pid) of a managed child finds the helper as well, and never reports it gone while it lives', async () => {
  const { child, helper, ready } = start();
  await ready;
  let helperPid;
  try {
    const soft = await killTree(child.pid, { timeoutMs: 1500 });
    helperPid = await helper;
    assert.deepEqual(soft.survivors, [helperPid], 'the helper ignores SIGTERM: it is a survivor');
    const hard = await killTree(helperPid, { signal: 'SIGKILL' });
    assert.deepEqual(hard.survivors, []);
    assert.equal(isAlive(helperPid), false);
    await child.close();
  } finally {
    killAll([child.pid, ...(helperPid ? [helperPid] : [])]);
  }
});
