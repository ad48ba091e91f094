// start(): dependency order, bounds, rollback of what started, and shutdown during start.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';

const quiet = (options = {}) => createLifecycle({ signals: false, logger: false, ...options });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function recorder() {
  const events = [];
  const step = (name, { startMs = 5, fail = false, hang = false } = {}) => ({
    start: async () => {
      events.push(`start ${name}`);
      if (hang) return new Promise(() => {});
      await sleep(startMs);
      if (fail) throw new Error(`${name} failed to start`);
      events.push(`started ${name}`);
    },
    close: () => events.push(`close ${name}`),
  });
  return { events, step };
}

test('start hooks run in dependency order; ready after start', async () => {
  const life = quiet();
  const { events, step } = recorder();
  life.add('db', step('db', { startMs: 20 }));
  life.add('cache', step('cache'));
  life.add('api', step('api'), { dependsOn: ['db', 'cache'] });
  assert.equal(life.ready, false);
  const started = life.start();
  assert.equal(life.state, 'starting');
  assert.equal(life.start(), started, 'start() is idempotent');
  await started;
  assert.equal(life.ready, true);
  assert.ok(events.indexOf('start api') > events.indexOf('started db'));
  assert.ok(events.indexOf('start api') > events.indexOf('started cache'));
  assert.ok(events.indexOf('start cache') < events.indexOf('started db'), 'independent steps start concurrently');
});

test('a failed start closes what started, in reverse order, and rejects with the cause', async () => {
  const life = quiet();
  const { events, step } = recorder();
  life.add('db', step('db'));
  life.add('queue', step('queue', { fail: true }), { dependsOn: ['db'] });
  life.add('api', step('api'), { dependsOn: ['queue'] });
  life.add('plain', { close: () => events.push('close plain') });
  const error = await life.start().then(
    () => assert.fail('start resolved'),
    (e) => e,
  );
  assert.equal(error.code, 'ERR_START_FAILED');
  assert.equal(error.step, 'queue');
  assert.equal(error.cause.message, 'queue failed to start');
  assert.ok(events.includes('close db'));
  assert.ok(events.includes('close plain'));
  assert.ok(!events.includes('close queue'), 'a step whose start failed is not closed');
  assert.ok(
    !events.includes('start api') && !events.includes('close api'),
    'never-started steps are neither started nor closed',
  );
  assert.equal(life.state, 'closed');
});

test('startTimeoutMs bounds start; the report of the rollback names the timed-out step', async () => {
  const life = quiet({ startTimeoutMs: 60 });
  const { step } = recorder();
  life.add('slow', step('slow', { hang: true }));
  let report;
  life.on('closed', (r) => (report = r));
  const error = await life.start().catch((e) => e);
  assert.equal(error.code, 'ERR_START_FAILED');
  assert.equal(error.cause.code, 'ERR_PHASE_TIMEOUT');
  assert.equal(error.cause.option, 'startTimeoutMs');
  const start = report.steps.find((s) => s.phase === 'start');
  assert.equal(start.status, 'timed-out');
  assert.equal(report.outcome, 'timed-out');
});

test('shutdown during start abandons it: started steps close, start() rejects', async () => {
  const life = quiet();
  const { events, step } = recorder();
  life.add('db', step('db'));
  let startSignal;
  life.add(
    'slow',
    {
      start: (signal) => {
        startSignal = signal;
        return sleep(50);
      },
      close: () => events.push('close slow'),
    },
    { dependsOn: ['db'] },
  );
  life.add('api', step('api'), { dependsOn: ['slow'] });
  const starting = life.start();
  while (!startSignal) await sleep(1);
  const report = await life.shutdown('SIGTERM');
  assert.equal(startSignal.aborted, true, 'the running start hook was asked to stop');
  const error = await starting.catch((e) => e);
  assert.equal(error.code, 'ERR_START_FAILED');
  assert.equal(error.cause.code, 'ERR_SHUTDOWN_STARTED');
  assert.ok(events.includes('close db') && events.includes('close slow'));
  assert.ok(!events.includes('start api'));
  assert.equal(report.steps.find((s) => s.name === 'api' && s.phase === 'close').status, 'skipped');
});

test('an aborted start signal rolls back', async () => {
  const life = quiet();
  const { step } = recorder();
  life.add('db', step('db', { hang: true }));
  const error = await life.start({ signal: AbortSignal.timeout(30) }).catch((e) => e);
  assert.equal(error.code, 'ERR_START_FAILED');
  assert.equal(life.state, 'closed');
});

test('start() after shutdown rejects with a state error', async () => {
  const life = quiet();
  await life.shutdown();
  await assert.rejects(life.start(), { code: 'ERR_LIFECYCLE_STATE' });
});
