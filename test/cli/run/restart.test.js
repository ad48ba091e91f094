// Restarts: exponential backoff with jitter, give-up within a window, --no-restart-on, and an
// intentional stop never restarts (also during a backoff wait).
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';

import { fixture, readJson, runToEnd, startRun, tempDir } from '../../helpers/run.js';
import { assertGuard } from '../../helpers/timing.js';

test('a crash loop: delays follow the schedule (±20% jitter, capped), then it gives up with 123', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const r = await runToEnd([
    '--restart',
    'on-failure',
    '--backoff',
    '40ms..160ms',
    '--max-restarts',
    '4',
    '--restart-window',
    '1m',
    '--report',
    report,
    '--',
    fixture('crash.sh'),
    '3',
  ]);
  assert.equal(r.code, 123, r.stderr);
  const rep = readJson(report);
  assert.equal(rep.outcome, 'gave-up');
  assert.equal(rep.restarts, 4);
  assert.equal(rep.runs.length, 5);
  const delays = rep.runs.slice(0, 4).map((run) => run.restartDelayMs);
  const bases = [40, 80, 160, 160];
  delays.forEach((d, i) => {
    assert.ok(d >= bases[i] * 0.8 - 1 && d <= Math.min(160, bases[i] * 1.2) + 1, `delay ${i + 1}: ${d} vs ${bases[i]}`);
  });
  assert.ok(rep.runs.every((run) => run.exitCode === 3));
  assert.equal((r.stderr.match(/restart #\d/g) ?? []).length, 4);
});

test('--no-restart-on: that exit code is final, the runner exits with it', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const r = await runToEnd([
    '--restart',
    'always',
    '--backoff',
    '10ms..20ms',
    '--no-restart-on',
    '78,79',
    '--report',
    report,
    '--',
    fixture('crash.sh'),
    '78',
  ]);
  assert.equal(r.code, 78);
  const rep = readJson(report);
  assert.equal(rep.runs.length, 1);
  assert.match(rep.reason, /--no-restart-on/);
});

test('--restart on-failure does not restart a clean exit; always does', async () => {
  assert.equal((await runToEnd(['--restart', 'on-failure', '--', fixture('crash.sh'), '0'])).code, 0);
  const r = await runToEnd([
    '--restart',
    'always',
    '--backoff',
    '10ms..10ms',
    '--max-restarts',
    '2',
    '--json',
    '--',
    fixture('crash.sh'),
    '0',
  ]);
  assert.equal(r.code, 123);
  assert.equal((r.stdout.match(/START/g) ?? []).length, 3);
});

test('a stable uptime resets the backoff', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  // Each life lasts ~0.3 s > --reset-after 100ms, so every delay is the first one again.
  const r = await runToEnd([
    '--restart',
    'always',
    '--backoff',
    '50ms..5s',
    '--reset-after',
    '100ms',
    '--max-restarts',
    '3',
    '--report',
    report,
    '--',
    fixture('crash.sh'),
    '1',
    '0.3',
  ]);
  assert.equal(r.code, 123);
  for (const run of readJson(report).runs.slice(0, 3)) assert.ok(run.restartDelayMs <= 60, `${run.restartDelayMs}`);
});

test('SIGTERM during a backoff wait: no restart, the runner exits at once', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun([
    '--restart',
    'always',
    '--backoff',
    '10s..20s',
    '--report',
    report,
    '--',
    fixture('crash.sh'),
    '5',
  ]);
  await run.waitFor(/restart #1 in/);
  const sentAt = run.signal('SIGTERM');
  const exit = await run.exited;
  assertGuard(exit.atMs - sentAt, 100, 'the stop does not wait out the backoff');
  assert.equal((run.stdout.match(/START/g) ?? []).length, 1, 'never restarted');
  const rep = readJson(report);
  assert.equal(rep.outcome, 'stopped');
  assert.equal(rep.stop.escalation, 'none');
  assert.equal(exit.code, 0);
});

test('a backoff above 2^31-1 ms is waited for (not clamped to 1 ms), and SIGTERM during it stops at once', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun([
    '--restart',
    'always',
    '--backoff',
    '1000h..2000h',
    '--report',
    report,
    '--',
    fixture('crash.sh'),
    '5',
  ]);
  const delayMs = Number((await run.waitFor(/restart #1 in (\d+) ms/))[1]);
  assert.ok(delayMs >= 0.8 * 3_600_000_000, `${delayMs} ms`);
  // A delay clamped by Node fires after 1 ms: a second START would follow within milliseconds.
  await assert.rejects(run.waitFor(/START[\s\S]*START/, 500), /no \/START/);
  const sentAt = run.signal('SIGTERM');
  const exit = await run.exited;
  assertGuard(exit.atMs - sentAt, 100, 'the stop does not wait out the backoff');
  assert.equal((run.stdout.match(/START/g) ?? []).length, 1, 'never restarted');
  assert.equal(readJson(report).outcome, 'stopped');
  assert.equal(exit.code, 0);
});

test('an intentional stop never restarts, even when the child crashes while stopping', async () => {
  const run = startRun([
    '--restart',
    'always',
    '--backoff',
    '10ms..10ms',
    '--',
    'sh',
    '-c',
    'trap "exit 9" TERM; echo "START $$"; echo READY; while :; do sleep 1 & wait $!; done',
  ]);
  await run.waitFor(/READY/);
  run.signal('SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 9);
  assert.equal((run.stdout.match(/START/g) ?? []).length, 1);
});
