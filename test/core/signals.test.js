// Real processes, real signals: exit codes, stderr lines and the printed report.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startFixture } from '../helpers/fixture.js';
import { assertGuard } from '../helpers/timing.js';

const run = (spec, env) => startFixture('core/service.js', { args: [JSON.stringify(spec)], env });
const byName = (report) => Object.fromEntries(report.steps.map((s) => [`${s.name}:${s.phase}`, s]));

test('SIGTERM: every step reported, hung and failing steps do not stop the others, exit 1', async () => {
  const fixture = await run({
    options: { deadlineMs: 3000, stepTimeoutMs: 300 },
    steps: [
      { name: 'db', hooks: { close: 'delay:20' } },
      { name: 'queue', hooks: { drain: 'ok', close: 'hang' }, options: { dependsOn: ['db'] } },
      { name: 'cache', hooks: { close: 'throw' } },
      { name: 'mailer', hooks: { close: 'reject' } },
      { name: 'late', hooks: { close: 'late-reject:400' } },
    ],
  });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1);
  assertGuard(exit.elapsedMs, 3000, 'bounded by the 3 s deadline');
  const report = fixture.report();
  assert.equal(report.reason, 'SIGTERM');
  assert.equal(report.outcome, 'timed-out');
  const steps = byName(report);
  assert.equal(steps['db:close'].status, 'ok');
  assert.equal(steps['queue:drain'].status, 'ok');
  assert.equal(steps['queue:close'].status, 'timed-out');
  assert.equal(steps['queue:close'].error.code, 'ERR_STEP_TIMEOUT');
  assert.equal(steps['cache:close'].status, 'failed');
  assert.equal(steps['cache:close'].error.message, 'thrown on purpose');
  assert.equal(steps['mailer:close'].status, 'failed');
  assert.equal(steps['late:close'].status, 'timed-out');
  // db closes only after queue, which depends on it, timed out.
  assert.ok(steps['db:close'].startMs >= steps['queue:close'].startMs + steps['queue:close'].durationMs - 1);
  assert.match(fixture.stderr, /shutting down \(SIGTERM\), deadline 3000 ms/);
  assert.match(fixture.stderr, /step "queue" \(close\) timed out after \d+ ms/);
  assert.match(fixture.stderr, /step "cache" \(close\) failed: thrown on purpose/);
  assert.match(fixture.stderr, /shutdown timed-out in \d+ ms \(exit 1\)/);
  assert.doesNotMatch(fixture.stderr, /UnhandledPromiseRejection|unhandledRejection/);
});

test('SIGINT with clean steps exits 0 and logs one summary', async () => {
  const fixture = await run({ steps: [{ name: 'db', hooks: { close: 'delay:10' } }] });
  const exit = await fixture.signalAndWait('SIGINT');
  assert.equal(exit.code, 0);
  assert.equal(fixture.report().outcome, 'clean');
  assert.equal(fixture.stderr.match(/shutdown clean/g)?.length, 1);
});

test('a second SIGTERM forces: remaining steps skipped, exit at once', async () => {
  const fixture = await run({
    options: { deadlineMs: 20_000, stepTimeoutMs: 0 },
    steps: [
      { name: 'db', hooks: { close: 'ok' } },
      { name: 'queue', hooks: { close: 'hang' }, options: { dependsOn: ['db'] } },
    ],
  });
  fixture.child.kill('SIGTERM');
  await new Promise((resolve) =>
    fixture.child.stdout.on('data', () => /HOOK queue close/.test(fixture.stdout) && resolve()),
  );
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1);
  assertGuard(exit.elapsedMs, 200, 'the second signal forces the exit, not the 20 s deadline');
  const report = fixture.report();
  assert.equal(report.outcome, 'forced');
  const steps = byName(report);
  assert.equal(steps['queue:close'].status, 'failed');
  assert.equal(steps['queue:close'].error.code, 'ERR_FORCED_SHUTDOWN');
  assert.equal(steps['db:close'].status, 'skipped');
  assert.match(fixture.stderr, /second SIGTERM: forcing shutdown/);
});

test('exitCodes maps outcomes', async () => {
  const fixture = await run({
    options: { stepTimeoutMs: 50, exitCodes: { 'timed-out': 75 } },
    steps: [{ name: 'stuck', hooks: { close: 'hang' } }],
  });
  assert.equal((await fixture.signalAndWait('SIGTERM')).code, 75);
});

test('uncaughtException is logged and starts a shutdown with exit code 1', async () => {
  const fixture = await run({ after: 'crash', steps: [{ name: 'db', hooks: { close: 'ok' } }] });
  const exit = await fixture.exited;
  assert.equal(exit.code, 1);
  const report = fixture.report();
  assert.match(report.reason, /^uncaughtException: uncaught on purpose/);
  assert.equal(report.outcome, 'failed');
  assert.equal(report.error.message, 'uncaught on purpose');
  assert.equal(byName(report)['db:close'].status, 'ok');
  assert.match(fixture.stderr, /uncaughtException: uncaught on purpose/);
});

test('unhandledRejection starts a shutdown with exit code 1', async () => {
  const fixture = await run({ after: 'unhandled', steps: [{ name: 'db', hooks: { close: 'ok' } }] });
  const exit = await fixture.exited;
  assert.equal(exit.code, 1);
  assert.match(fixture.report().reason, /^unhandledRejection: unhandled on purpose/);
});

test('LASTCALL_DEADLINE_MS overrides the deadline option', async () => {
  const fixture = await run(
    { options: { deadlineMs: 60_000, stepTimeoutMs: 0 }, steps: [{ name: 'stuck', hooks: { close: 'hang' } }] },
    { LASTCALL_DEADLINE_MS: '300' },
  );
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1);
  const report = fixture.report();
  assert.equal(report.deadlineMs, 300);
  assert.equal(byName(report)['stuck:close'].error.code, 'ERR_DEADLINE_EXCEEDED');
});

for (const how of ['spin', 'atomics', 'sync-sleep']) {
  test(`a close step that blocks the event loop (${how}) still exits at the deadline`, async () => {
    const fixture = await run({
      options: { deadlineMs: 500 },
      steps: [
        { name: 'fine', hooks: { close: 'ok' } },
        { name: 'blocker', hooks: { close: how } },
      ],
    });
    const exit = await fixture.signalAndWait('SIGTERM');
    assertGuard(exit.elapsedMs, 500, 'the watchdog ends it at the 500 ms deadline');
    // Interruptible JavaScript and a sync system call alike end with the code the line announces.
    assert.equal(exit.code, 1);
    assert.match(
      fixture.stderr,
      /deadline of 500 ms exceeded .*still running: blocker \(close\); exiting with code 1\n/,
    );
    // The watchdog's inspector session must not leave Node's "Waiting for the debugger" line last.
    assert.doesNotMatch(fixture.stderr, /debugger/);
  });
}
