import assert from 'node:assert/strict';
import { test } from 'node:test';

import { spawnManaged } from 'lastcall/process';

import { fixture, isAlive, node, waitForLine } from '../helpers/process.js';
import { assertGuard } from '../helpers/timing.js';

test('a child blocked writing to an unread stdout pipe closes at once after EOF', async () => {
  const child = spawnManaged(node, [fixture('blocked-writer.js')]);
  await waitForLine(child.stderr, /^READY$/);
  const result = await child.close();
  assert.equal(result.escalation, 'exit');
  assert.equal(result.code, 0);
  assertGuard(result.durationMs, 500, 'close');
  assert.equal(isAlive(child.pid), false);
});

test('a blocked writer that ignores EOF gets SIGTERM after graceMs, and its handler runs', async () => {
  const child = spawnManaged(node, [fixture('blocked-writer.js'), '--ignore-eof'], { graceMs: 100, termMs: 2000 });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await waitForLine(child.stderr, /^READY$/);
  const result = await child.close();
  assert.equal(result.escalation, 'sigterm');
  assert.equal(result.code, 143);
  assert.match(stderr, /WROTE\nTERM/); // the write finished (output kept draining), then the handler ran
  assert.ok(result.durationMs >= 90, `close took ${result.durationMs} ms`);
  assertGuard(result.durationMs, 500, 'close');
});

test('a child that ignores SIGTERM is SIGKILLed after termMs; output was readable as a stream', async () => {
  const child = spawnManaged(node, [fixture('ignore-term.js')], { graceMs: 50, termMs: 200 });
  assert.equal(await waitForLine(child.stdout, /READY/), 'READY');
  const result = await child.close();
  assert.deepEqual([result.escalation, result.code, result.signal], ['sigkill', null, 'SIGKILL']);
  assert.ok(result.durationMs >= 240, `close took ${result.durationMs} ms`);
  assertGuard(result.durationMs, 500, 'close');
});

test('close() is idempotent and an aborted signal escalates straight to SIGKILL', async () => {
  const child = spawnManaged(node, [fixture('ignore-term.js')], { graceMs: 5000, termMs: 5000 });
  await waitForLine(child.stdout, /READY/);
  const first = child.close();
  const controller = new AbortController();
  const second = child.close({ signal: controller.signal });
  assert.equal(first, second);
  controller.abort();
  const result = await first;
  assert.equal(result.escalation, 'sigkill');
  assertGuard(result.durationMs, 500, 'close');
});

test('close() after the child exited by itself reports its exit', async () => {
  const child = spawnManaged(node, [fixture('crash.js'), '3']);
  assert.deepEqual(await child.waitForExit(), { code: 3, signal: null });
  const result = await child.close();
  assert.deepEqual([result.escalation, result.code], ['exit', 3]);
});

test('without stdin or IPC there is no EOF to wait for: SIGTERM comes at once', async () => {
  const child = spawnManaged('sleep', ['30'], { stdio: 'ignore', graceMs: 5000 });
  const result = await child.close();
  assert.deepEqual([result.escalation, result.signal], ['sigterm', 'SIGTERM']);
  assertGuard(result.durationMs, 500, 'close');
});

test('await using / Symbol.asyncDispose closes the child', async () => {
  const child = spawnManaged('sleep', ['30'], { stdio: 'ignore' });
  await child[Symbol.asyncDispose]();
  assert.equal(child.exited, true);
  assert.equal(isAlive(child.pid), false);
});

test('a command that does not exist is a typed error, not a crash', () => {
  assert.throws(
    () => spawnManaged('lastcall-no-such-command-xyz'),
    (error) => {
      assert.equal(error.code, 'ERR_SPAWN');
      assert.equal(error.errno, 'ENOENT');
      return true;
    },
  );
  assert.throws(
    () => spawnManaged('./README.md'),
    (error) => error.code === 'ERR_SPAWN' && error.errno === 'EACCES',
  );
});
