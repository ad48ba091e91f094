// lastcall/process's bad input, in one file (as test/core/bad-input.test.js for the core): every entry
// point (spawnManaged, close, send, signalTree, killTree, supervise) throws or rejects with a typed
// error at the call site, naming the option.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

import { killTree, spawnManaged, supervise } from 'lastcall/process';

import { fixture, node } from '../helpers/process.js';

const crash =
  (code = 1, afterMs = 0) =>
  () =>
    spawnManaged(node, [fixture('crash.js'), String(code), String(afterMs)], { stdio: 'ignore' });

test('options are checked at the call site', () => {
  assert.throws(
    () => spawnManaged('sleep', ['1'], { graceMs: '5s' }),
    /Expected "graceMs" to be a finite non-negative number, got "5s" \(string\)/,
  );
  assert.throws(() => spawnManaged('sleep', ['1'], { termMs: -1 }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => spawnManaged('sleep', ['1'], { gracems: 1 }), { code: 'ERR_UNKNOWN_OPTION' });
  assert.throws(() => spawnManaged('sleep', ['1'], { stdio: 'bogus' }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => spawnManaged('sleep', ['1'], { cwd: '/no/such/dir' }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => spawnManaged('', []), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => spawnManaged('sleep', '1'), { code: 'ERR_INVALID_OPTION' });
});

test('close() validates its options', async () => {
  const child = spawnManaged('sleep', ['30'], { stdio: 'ignore' });
  assert.throws(() => child.close({ signal: 'SIGKILL' }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => child.close({ timeout: 1 }), { code: 'ERR_UNKNOWN_OPTION' });
  await child.close();
});

test('bad handDownDeadline values throw at the call site', () => {
  for (const value of ['yes', 5, {}, { deadlineMs: -1 }, null]) {
    assert.throws(
      () => spawnManaged('true', [], { handDownDeadline: value }),
      { code: 'ERR_INVALID_OPTION', option: 'handDownDeadline' },
      String(value),
    );
  }
  assert.throws(() => spawnManaged('true', [], { graceMs: 3000, handDownDeadline: { deadlineMs: 2000 } }), {
    code: 'ERR_INVALID_OPTION',
  });
});

test('listenFds: bad values and a taken stdio slot throw; a missing command is still SpawnError', () => {
  for (const listenFds of [[], [{ fd: -1 }], [{ fd: 3, name: 'a:b' }], ['3'], {}]) {
    assert.throws(() => spawnManaged('true', [], { listenFds }), { code: 'ERR_INVALID_OPTION', option: 'listenFds' });
  }
  assert.throws(
    () => spawnManaged('true', [], { listenFds: [{ fd: 0 }], stdio: ['ignore', 'ignore', 'ignore', 'pipe'] }),
    { code: 'ERR_INVALID_OPTION', option: 'stdio' },
  );
  assert.throws(() => spawnManaged('no-such-command-lastcall', [], { listenFds: [{ fd: 0 }] }), {
    code: 'ERR_SPAWN',
    errno: 'ENOENT',
  });
});

test('supervise() options are checked at the call site', () => {
  const f = crash(0);
  assert.throws(() => supervise(f, { restart: 'sometimes' }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => supervise(f, { initialMs: -1 }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => supervise(f, { factor: 0.5 }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => supervise(f, { jitter: 2 }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => supervise(f, { maxRestarts: 1.5 }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => supervise(f, { readiness: {} }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => supervise(f, { backoff: {} }), { code: 'ERR_UNKNOWN_OPTION' });
  assert.throws(() => supervise('node'), { code: 'ERR_INVALID_OPTION' });
});

test('signal names are checked against os.constants.signals up front, also for a pid that is gone', async () => {
  const gone = spawn('true');
  await new Promise((resolve) => gone.once('exit', resolve));
  for (const pid of [process.pid, gone.pid]) {
    await assert.rejects(killTree(pid, { signal: 'SIGOTHER' }), { code: 'ERR_INVALID_OPTION', option: 'signal' });
    await assert.rejects(killTree(pid, { signal: 15 }), { code: 'ERR_INVALID_OPTION' });
  }
  const child = spawnManaged('sleep', ['300'], { stdio: 'ignore' });
  try {
    await assert.rejects(child.signalTree('SIGOTHER'), { code: 'ERR_INVALID_OPTION', option: 'signal' });
    const sent = await child.signalTree('SIGCONT');
    assert.deepEqual(sent, { groups: [child.pgid], pids: [] });
  } finally {
    await child.close();
  }
});

test('killTree() bad input throws', async () => {
  await assert.rejects(killTree(0), { code: 'ERR_INVALID_OPTION' });
  await assert.rejects(killTree(process.pid, { signal: 'TERM' }), { code: 'ERR_INVALID_OPTION' });
  await assert.rejects(killTree(process.pid, { wait: 1 }), { code: 'ERR_UNKNOWN_OPTION' });
});

test('send() checks its options at the call site', async () => {
  const plain = spawnManaged('sleep', ['30'], { stdio: 'ignore' });
  assert.throws(() => plain.send('x', { timeoutMs: 'soon' }), { code: 'ERR_INVALID_OPTION' });
  await plain.close();
});
