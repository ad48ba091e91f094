// Wirings that take the stop signal or the exit away from lastcall behind its back: real processes,
// real signals. Each must still end in a full, clean shutdown inside the deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startFixture } from '../helpers/fixture.js';

const run = (spec) => startFixture('core/hostile-wiring.js', { args: [JSON.stringify(spec)] });

/** A guard against a hang (an unheard SIGTERM never exits), not a timing: generous on a loaded box. */
const HANG_MS = 20_000;

async function assertCleanStop(fixture) {
  const guard = setTimeout(() => fixture.child.kill('SIGKILL'), HANG_MS);
  const exit = await fixture.signalAndWait('SIGTERM');
  clearTimeout(guard);
  assert.notEqual(exit.signal, 'SIGKILL', `no exit ${HANG_MS} ms after SIGTERM\n${fixture.stderr}`);
  assert.equal(exit.code, 0, fixture.stderr);
  assert.match(fixture.stdout, /^DB closed$/m);
  const report = fixture.report();
  assert.ok(report, fixture.stdout);
  assert.equal(report.outcome, 'clean');
  assert.ok(fixture.stdout.indexOf('DB closed') < fixture.stdout.indexOf('REPORT '));
  assert.doesNotMatch(fixture.stderr, /second SIGTERM/);
  return report;
}

test("a framework's process.removeAllListeners('SIGTERM') after the lifecycle does not leave SIGTERM unheard", async () => {
  const fixture = await run({ removeAll: 'SIGTERM' });
  const report = await assertCleanStop(fixture);
  // Its own handler, registered after the removal, is still adopted: it runs once, as a step.
  assert.equal(fixture.stdout.split('\n').filter((line) => line === 'FRAMEWORK SIGTERM').length, 1);
  assert.ok(report.steps.some((step) => step.name.startsWith("process.on('SIGTERM', frameworkHandler)")));
});

test('an adopted handler that removes every SIGTERM listener and re-raises the signal does not kill the shutdown', async () => {
  const fixture = await run({ reraise: true });
  await assertCleanStop(fixture);
  assert.match(fixture.stdout, /^RERAISE$/m);
});

test('process.exit() in a life.signal abort listener waits for the report', async () => {
  const fixture = await run({ exitOnAbort: true });
  const report = await assertCleanStop(fixture);
  assert.equal(report.exitRequests.length, 1);
});

for (const selfKillAfterMs of [undefined, 20]) {
  test(`the process signalling itself twice ${selfKillAfterMs === undefined ? 'as shutdown begins' : 'during the shutdown'} is no second signal`, async () => {
    const fixture = await run({ selfKill: 2, selfKillAfterMs });
    await assertCleanStop(fixture);
    assert.match(fixture.stdout, /^SELF-KILLED$/m);
  });
}

test('process.exitCode set by an adopted handler is the exit code, as Node would have exited with it', async () => {
  const fixture = await run({ exitCode: 2 });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 2, fixture.stderr);
  const report = fixture.report();
  assert.equal(report.outcome, 'clean');
  assert.equal(report.exitCode, 2);
  assert.match(fixture.stderr, /process\.exitCode was set to 2: the exit code is at least that/);
});
