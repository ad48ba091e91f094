import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';

const quiet = { signals: false, exit: false, logger: false, preStopDelayMs: 0 };

/** Shuts down 1,000 steps closed by `close`; returns how many timers and promises the shutdown made. */
async function shutdownThousand(close) {
  const life = createLifecycle({ ...quiet, deadlineMs: 60_000 });
  for (let i = 0; i < 1000; i++) life.add(`step-${i}`, { close });
  const made = { Timeout: 0, PROMISE: 0 };
  const hook = createHook({ init: (id, type) => void (type in made && made[type]++) }).enable();
  const report = await life.shutdown('test');
  hook.disable();
  assert.equal(report.steps.filter((step) => step.status === 'ok').length, 1000);
  return made;
}

test('1,000 hooks that return a promise share their timers: a shutdown arms a handful, not one per hook', async () => {
  const made = await shutdownThousand(async () => {});
  assert.ok(made.Timeout < 50, `${made.Timeout} timers armed`);
});

test('1,000 hooks that return without a promise cost no timer and no promise each', async () => {
  const made = await shutdownThousand(() => {});
  assert.ok(made.Timeout < 50, `${made.Timeout} timers armed`);
  assert.ok(made.PROMISE < 200, `${made.PROMISE} promises made`);
});

test('a shared bound still times each step out with its own error', async () => {
  const life = createLifecycle({ ...quiet, deadlineMs: 60_000, stepTimeoutMs: 50 });
  for (let i = 0; i < 3; i++) life.add(`hang-${i}`, { close: () => new Promise(() => {}) });
  life.add('ok', { close: () => {} });
  const report = await life.shutdown('test');
  const status = Object.fromEntries(report.steps.map((step) => [step.name, [step.status, step.error?.code]]));
  assert.deepEqual(status, {
    'hang-0': ['timed-out', 'ERR_STEP_TIMEOUT'],
    'hang-1': ['timed-out', 'ERR_STEP_TIMEOUT'],
    'hang-2': ['timed-out', 'ERR_STEP_TIMEOUT'],
    ok: ['ok', undefined],
  });
});

test('a hook that may read its arguments gets an AbortSignal; one declared without parameters is called with none', async () => {
  const got = {};
  const life = createLifecycle({ ...quiet, deadlineMs: 5000 });
  life.add('rest', { close: (...args) => void (got.rest = args) });
  life.add('arguments', {
    close: function () {
      // eslint-disable-next-line prefer-rest-params -- what this hook tests
      got.arguments = [...arguments];
    },
  });
  life.add('default', { close: (signal = 'none') => void (got.default = [signal]) });
  life.add('named', { close: (signal) => void (got.named = [signal]) });
  life.add('bound', {
    close: function (...args) {
      got.bound = args;
    }.bind(null),
  });
  life.add('none', { close: () => void (got.none = true) });
  life.add('method', {
    close() {
      got.method = true;
    },
  });
  const report = await life.shutdown('test');
  assert.equal(report.outcome, 'clean');
  for (const name of ['rest', 'arguments', 'default', 'named', 'bound']) {
    assert.equal(got[name].length, 1, name);
    assert.ok(got[name][0] instanceof AbortSignal, name);
  }
  assert.equal(got.none, true);
  assert.equal(got.method, true);
});

test('a hook that returns at once is timed on its own: a sibling that blocks after it neither lengthens it nor times it out', async () => {
  const life = createLifecycle({ ...quiet, deadlineMs: 60_000, stepTimeoutMs: 100 });
  const block = (ms) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
  // Closed last added first: "quick" returns, then "blocker" holds the thread past the step timeout.
  life.add('blocker', { close: () => block(250) });
  life.add('quick', { close: () => {} });
  const report = await life.shutdown('test');
  const quick = report.steps.find((step) => step.name === 'quick');
  const blocker = report.steps.find((step) => step.name === 'blocker');
  assert.equal(quick.status, 'ok');
  // Its own time, not the 250 ms the next step blocks the thread for.
  assert.ok(quick.durationMs < 250, `quick took ${quick.durationMs} ms`);
  assert.equal(blocker.status, 'timed-out');
  assert.equal(blocker.error.code, 'ERR_STEP_TIMEOUT');
});

test('shutdown forced from inside a hook that returns at once: the hook is reported as forced, the steps after it skipped', async () => {
  const life = createLifecycle({ ...quiet, signals: ['SIGTERM'], deadlineMs: 60_000 });
  const order = [];
  life.add('after', { close: () => void order.push('after') });
  // A second SIGTERM, dispatched synchronously while the hook runs, forces the shutdown.
  life.add('forcer', { close: () => void (order.push('forcer'), process.emit('SIGTERM', 'SIGTERM')) });
  const shutdown = new Promise((resolve) => life.once('closed', resolve));
  process.emit('SIGTERM', 'SIGTERM');
  const report = await shutdown;
  const status = Object.fromEntries(report.steps.map((step) => [step.name, [step.status, step.error?.code]]));
  assert.deepEqual(status, { forcer: ['failed', 'ERR_FORCED_SHUTDOWN'], after: ['skipped', 'ERR_FORCED_SHUTDOWN'] });
  assert.deepEqual(order, ['forcer']);
  assert.equal(report.outcome, 'forced');
});
