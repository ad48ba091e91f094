// doctor started the service, so doctor ends it on every way out: its own SIGINT/SIGTERM (while
// waiting for readiness, a setsid'd daemon included), its own SIGKILL (the guardian), and flags the
// machine cannot honour are a usage error before anything starts.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { cli, neverReadyDaemon, readDaemonPids, spawnCli, withTempDir } from '../../helpers/doctor.js';
import { guardiansOf, waitForGuardians, waitUntil } from '../../helpers/process.js';
import { isAlive, waitGone } from '../../helpers/run.js';

async function startDoctor(dir) {
  const pids = path.join(dir, 'pids');
  const run = spawnCli([
    'doctor',
    '--json',
    '--ready',
    'log:NEVER',
    '--ready-timeout',
    '120s',
    '--',
    ...neverReadyDaemon(pids),
  ]);
  // Wait for the service's own report that it and its daemon run (a state, polled; not a sleep).
  while (!existsSync(pids)) {
    assert.equal(run.child.exitCode, null, `doctor ended early: ${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const [service, daemon] = readDaemonPids(pids);
  return { ...run, service, daemon };
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  test(`doctor's own ${signal} while waiting for readiness ends the service and its setsid'd daemon`, () =>
    withTempDir(async (dir) => {
      const d = await startDoctor(dir);
      assert.ok(isAlive(d.service) && isAlive(d.daemon));
      d.child.kill(signal);
      const [exitCode] = await d.closed;
      assert.equal(exitCode, code, d.stderr());
      assert.match(d.stderr(), new RegExp(`interrupted by ${signal}; the service was stopped`));
      // Gone by the time doctor has exited (the guard only absorbs /proc lag).
      assert.deepEqual(await waitGone([d.service, d.daemon], 2000), []);
    }));
}

test("doctor SIGKILLed: the guardian ends the service and its setsid'd daemon", () =>
  withTempDir(async (dir) => {
    const d = await startDoctor(dir);
    // Forked at the service's spawn, it shows its own name once its exec is done (later on a loaded box).
    await waitUntil(() => guardiansOf(d.child.pid).length > 0, 10_000);
    const guardians = guardiansOf(d.child.pid);
    assert.equal(guardians.length, 1, 'doctor runs one guardian');
    d.child.kill('SIGKILL');
    await d.closed;
    // Its rounds read all of /proc (seconds on a loaded box): wait for it to finish, then nothing is left.
    assert.ok(await waitForGuardians(guardians), 'the guardian finished its work');
    assert.deepEqual(await waitGone([d.service, d.daemon], 2000), []);
  }));

test('--connections above the open-file limit: a usage error naming the limit, nothing started', async () => {
  const run = spawnCli([], {
    command: 'sh',
    argv: [
      '-c',
      `ulimit -n 256 && exec "${process.execPath}" "${cli}" doctor --connections 300 -- sh -c 'echo STARTED >&2; sleep 30'`,
    ],
  });
  const [code] = await run.closed;
  const stderr = run.stderr();
  assert.equal(code, 2, stderr);
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.match(
    stderr,
    /--connections: 300 clients need about \d+ open files, above this process's limit of 256 \(ulimit -n\)/,
  );
});

test('an error of doctor itself: the service is stopped, exit 3, and the JSON says so', () =>
  withTempDir(async (dir) => {
    // The page cannot be written: doctor checks the path before it starts the service, so the service
    // itself makes a directory there; writing the page after the audit then fails (EISDIR).
    const html = path.join(dir, 'page.html');
    const pids = path.join(dir, 'pids');
    const run = spawnCli([
      'doctor',
      '--json',
      '--html',
      html,
      '--ready',
      'log:NEVER',
      '--ready-timeout',
      '1s',
      '--',
      'sh',
      '-c',
      'mkdir "$0" && exec "$@"',
      html,
      ...neverReadyDaemon(pids),
    ]);
    const [code] = await run.closed;
    const stderr = run.stderr();
    assert.equal(code, 3, stderr);
    assert.match(stderr, /internal error: .*EISDIR.*; the service was stopped/);
    const result = JSON.parse(run.stdout());
    assert.equal(result.verdict, 'error');
    assert.deepEqual(await waitGone(readDaemonPids(pids), 2000), []);
  }));
