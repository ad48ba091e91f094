import assert from 'node:assert/strict';
import { test } from 'node:test';

import { spawnManaged } from 'lastcall/process';

import { fixture, node, waitForLine } from '../helpers/process.js';

test('send() to a child that never reads its channel rejects with a typed timeout', async () => {
  const child = spawnManaged(node, [fixture('ipc-blocked.js')], { ipc: true, graceMs: 50, termMs: 1000 });
  try {
    await waitForLine(child.stdout, /READY/);
    const big = 'x'.repeat(4 * 1024 * 1024); // more than the socket buffer holds
    const started = Date.now();
    await assert.rejects(child.send(big, { timeoutMs: 300 }), (error) => {
      assert.equal(error.code, 'ERR_IPC_TIMEOUT');
      assert.equal(error.timeoutMs, 300);
      assert.equal(error.pid, child.pid);
      return true;
    });
    assert.ok(Date.now() - started < 3000);
  } finally {
    const result = await child.close();
    assert.equal(result.escalation, 'sigterm');
  }
});

test('send() resolves once written, and rejects with ERR_IPC_CLOSED without a channel', async () => {
  const child = spawnManaged(node, [fixture('ready.js'), 'none'], { ipc: true, graceMs: 50 });
  await child.send({ hello: 1 }, { timeoutMs: 2000 });
  await child.close();
  await assert.rejects(child.send('late'), { code: 'ERR_IPC_CLOSED' });
  const plain = spawnManaged('sleep', ['30'], { stdio: 'ignore' });
  await assert.rejects(plain.send('x'), { code: 'ERR_IPC_CLOSED' });
  await plain.close();
});
