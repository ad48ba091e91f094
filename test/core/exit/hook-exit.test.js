// A hook that calls process.exit() mid-shutdown (old cleanup code: `db.end(() => process.exit(0))` in a
// promise that never settles): the exit is deferred, and the call ends that hook's step at once, as
// done, instead of leaving it to its timeout. The report says so; the other steps still run; the exit
// code is the one asked for unless something failed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startFixture } from '../../helpers/fixture.js';

// A regression here is a step held to its 8 s timeout: the guards below sit well under it.
const GUARD = { timeout: 30_000 };
const STEP_TIMEOUT_MS = 8000;
const run = (steps, options = {}) =>
  startFixture('core/exit-service.js', {
    args: [JSON.stringify({ lifecycles: [{ options: { stepTimeoutMs: STEP_TIMEOUT_MS, ...options }, steps }] })],
  });
const reportOf = (fixture) =>
  JSON.parse(
    (fixture.stdout.split('\n').find((line) => line.startsWith('REPORT ')) ?? 'REPORT 0 null').replace(
      /^REPORT \d+ /,
      '',
    ),
  );
const stepOf = (report, name) => report.steps.find((s) => s.name === name && s.phase === 'close');

test(
  'the only running hook exits from a callback no hook made: its step ends ok at the call, the next ones run',
  GUARD,
  async () => {
    // quitter closes before cache (dependsOn: cache waits for it), so cache runs after the exit call.
    const fixture = await run([
      { name: 'cache', hooks: { close: 'delay:20' } },
      { name: 'quitter', hooks: { close: 'exit-on-close:0' }, options: { dependsOn: ['cache'] } },
    ]);
    const exit = await fixture.signalAndWait('SIGTERM');
    const report = reportOf(fixture);
    assert.equal(exit.code, 0, fixture.stderr);
    assert.equal(report.outcome, 'clean');
    const quitter = stepOf(report, 'quitter');
    assert.equal(quitter.status, 'ok');
    assert.equal(quitter.exited, 0);
    assert.ok(quitter.durationMs < STEP_TIMEOUT_MS / 2, `held ${quitter.durationMs} ms`);
    const cache = stepOf(report, 'cache');
    assert.equal(cache.status, 'ok');
    assert.ok(cache.startMs >= quitter.startMs + quitter.durationMs, 'cache ran after the exit call');
    assert.deepEqual(
      report.exitRequests.map(({ code, step }) => ({ code, step })),
      [{ code: 0, step: 'quitter' }],
    );
    assert.match(
      fixture.stderr,
      /process\.exit\(0\) called at \S+ during shutdown: deferred until this report; step "quitter" called it and ended there/,
    );
  },
);

test(
  'several hooks running: a call made in the synchronous part of a hook belongs to it; its code is the exit code',
  GUARD,
  async () => {
    const fixture = await run([
      { name: 'slow', hooks: { close: 'delay:600' } },
      { name: 'quitter', hooks: { close: 'exit-now:3' } },
    ]);
    const exit = await fixture.signalAndWait('SIGTERM');
    const report = reportOf(fixture);
    assert.equal(exit.code, 3, fixture.stderr);
    assert.equal(stepOf(report, 'quitter').status, 'ok');
    assert.equal(stepOf(report, 'quitter').exited, 3);
    assert.ok(stepOf(report, 'quitter').durationMs < STEP_TIMEOUT_MS / 2, JSON.stringify(stepOf(report, 'quitter')));
    assert.equal(stepOf(report, 'slow').status, 'ok');
    assert.equal(stepOf(report, 'slow').exited, undefined);
    assert.equal(report.exitRequests[0].step, 'quitter');
  },
);

test(
  'several hooks running and a later call (a timer): attributed to none on a guess, the step ends as it would',
  GUARD,
  async () => {
    const fixture = await run(
      [
        { name: 'slow', hooks: { close: 'delay:600' } },
        { name: 'quitter', hooks: { close: 'exit:3' } },
      ],
      { stepTimeoutMs: 1500 },
    );
    const exit = await fixture.signalAndWait('SIGTERM');
    const report = reportOf(fixture);
    assert.equal(stepOf(report, 'slow').status, 'ok');
    assert.equal(stepOf(report, 'quitter').status, 'timed-out');
    assert.equal(stepOf(report, 'quitter').exited, undefined);
    assert.equal(report.exitRequests[0].code, 3);
    assert.equal(report.exitRequests[0].step, undefined);
    assert.equal(exit.code, 1, fixture.stderr);
  },
);

test('process.exit(0) while another step fails: the exit code is 1, not the 0 asked for', GUARD, async () => {
  const fixture = await run([
    { name: 'broken', hooks: { close: 'throw' } },
    { name: 'quitter', hooks: { close: 'exit:0' } },
  ]);
  const exit = await fixture.signalAndWait('SIGTERM');
  const report = reportOf(fixture);
  assert.equal(exit.code, 1, fixture.stderr);
  assert.equal(stepOf(report, 'broken').status, 'failed');
  assert.equal(stepOf(report, 'quitter').status, 'ok');
  assert.equal(stepOf(report, 'quitter').exited, 0);
  assert.ok(exit.elapsedMs < STEP_TIMEOUT_MS, `${exit.elapsedMs} ms`);
});
