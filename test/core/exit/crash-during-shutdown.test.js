// A crash while shutting down is part of the report, never lost to the exit.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startFixture } from '../../helpers/fixture.js';

const run = (spec) => startFixture('core/service.js', { args: [JSON.stringify(spec)] });

test('an uncaughtException from a timer while close hooks run makes the outcome failed, exit 1', async () => {
  const fixture = await run({
    options: { deadlineMs: 3000 },
    steps: [{ name: 'db', hooks: { close: 'crash-while' } }],
  });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1);
  const report = fixture.report();
  assert.equal(report.outcome, 'failed');
  assert.equal(report.error.message, 'uncaught while closing');
  assert.match(fixture.stderr, /uncaughtException: uncaught while closing/);
  assert.match(fixture.stderr, /shutdown failed in \d+ ms \(exit 1\)/);
});

test('a process.nextTick throw in the last close hook is seen: failed, exit 1', async () => {
  const fixture = await run({
    options: { deadlineMs: 3000 },
    steps: [
      { name: 'db', hooks: { close: 'ok' } },
      { name: 'api', hooks: { close: 'tick-throw' } },
    ],
  });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1);
  const report = fixture.report();
  assert.equal(report.outcome, 'failed');
  assert.equal(report.error.message, 'thrown on the next tick');
});

test('an unhandled rejection during shutdown lands in the report', async () => {
  const fixture = await run({ options: { deadlineMs: 3000 }, steps: [{ name: 'db', hooks: { close: 'unhandled' } }] });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1);
  assert.equal(fixture.report().outcome, 'failed');
  assert.equal(fixture.report().error.message, 'unhandled on purpose');
});
