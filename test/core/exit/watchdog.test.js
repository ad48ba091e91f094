import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startFixture } from '../../helpers/fixture.js';

const fixture = fileURLToPath(new URL('../../fixtures/core/watchdog-threads.js', import.meta.url));
const GUARD = { timeout: 20_000, skip: !existsSync('/proc/self/status') && 'counts threads in /proc/self/status' };

function runFixture(options, mode) {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    execFile(
      process.execPath,
      [fixture, JSON.stringify(options), ...(mode ? [mode] : [])],
      { timeout: 15_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (error.code ?? error.signal) : 0, stdout, stderr, ms: Date.now() - startedAt });
      },
    );
  });
}

test(
  'the watchdog thread starts parked with the lifecycle; the process still exits when its work is done',
  GUARD,
  async () => {
    const { code, stdout } = await runFixture({});
    assert.equal(code, 0);
    const { before, after } = JSON.parse(stdout);
    assert.equal(after, before + 1, 'one thread more: the parked watchdog');
  },
);

test('exit: false and watchdog: false start no watchdog thread', GUARD, async () => {
  for (const options of [{ exit: false }, { watchdog: false }, { signals: false, exit: false }]) {
    const { code, stdout } = await runFixture(options);
    assert.equal(code, 0);
    const { before, after } = JSON.parse(stdout);
    assert.equal(after, before, `no thread with ${JSON.stringify(options)}`);
  }
});

test(
  'shutdown right after createLifecycle, then the event loop blocked for good: the parked thread ends it at the deadline',
  GUARD,
  async () => {
    const { code, stderr, ms } = await runFixture({ deadlineMs: 300 }, 'spin');
    assert.equal(code, 1);
    assert.match(stderr, /deadline of 300 ms exceeded .*exiting with code 1/);
    assert.ok(ms < 10_000, `ended after ${ms} ms`);
  },
);

test('in a worker thread the watchdog is off by default: a blocked worker shutdown does not end the process', async () => {
  const fixture = await startFixture('core/worker-lifecycle.mjs');
  const exit = await fixture.exited;
  assert.equal(exit.code, 0, fixture.stderr);
  assert.match(fixture.stdout, /^MAIN SURVIVED$/m);
  assert.match(fixture.stderr, /in a worker thread no signal arrives/);
});

test('in a worker thread, watchdog: true asked for ends the whole process at the deadline', async () => {
  const fixture = await startFixture('core/worker-lifecycle.mjs', { env: { WATCHDOG: '1' } });
  const exit = await fixture.exited;
  assert.notEqual(exit.code, 0);
  assert.doesNotMatch(fixture.stdout, /MAIN SURVIVED/);
  assert.match(fixture.stderr, /deadline of 300 ms exceeded/);
});
