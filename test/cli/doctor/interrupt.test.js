// doctor started the service, so doctor ends it on every way out: its own SIGINT/SIGTERM (while
// waiting for readiness, a setsid'd daemon included), its own SIGKILL (the guardian), and flags the
// machine cannot honour are a usage error before anything starts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { cli, doctorFixture, withTempDir } from '../../helpers/doctor.js';
import { isAlive, waitGone } from '../../helpers/run.js';

async function startDoctor(dir) {
  const pids = path.join(dir, 'pids');
  const child = spawn(
    process.execPath,
    [
      cli,
      'doctor',
      '--json',
      '--ready',
      'log:NEVER',
      '--ready-timeout',
      '120s',
      '--',
      'sh',
      doctorFixture('never-ready-daemon.sh'),
      pids,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  const closed = once(child, 'close');
  // Wait for the service's own report that it and its daemon run (a state, polled; not a sleep).
  while (!existsSync(pids)) {
    assert.equal(child.exitCode, null, `doctor ended early: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const [service, daemon] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
  return { child, closed, service, daemon, stderr: () => stderr };
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
    d.child.kill('SIGKILL');
    await d.closed;
    assert.deepEqual(await waitGone([d.service, d.daemon], 10_000), []);
  }));

test('--connections above the open-file limit: a usage error naming the limit, nothing started', async () => {
  const child = spawn(
    'sh',
    [
      '-c',
      `ulimit -n 256 && exec "${process.execPath}" "${cli}" doctor --connections 300 -- sh -c 'echo STARTED >&2; sleep 30'`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  const [code] = await once(child, 'close');
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
    const child = spawn(
      process.execPath,
      [
        cli,
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
        'mkdir "$0" && exec sh "$1" "$2"',
        html,
        doctorFixture('never-ready-daemon.sh'),
        pids,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    const [code] = await once(child, 'close');
    assert.equal(code, 3, stderr);
    assert.match(stderr, /internal error: .*EISDIR.*; the service was stopped/);
    const result = JSON.parse(stdout);
    assert.equal(result.verdict, 'error');
    const [service, daemon] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    assert.deepEqual(await waitGone([service, daemon], 2000), []);
  }));
