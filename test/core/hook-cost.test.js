import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { test } from 'node:test';
import { createLifecycle } from 'lastcall';

const quiet = { signals: false, exit: false, logger: false, preStopDelayMs: 0 };

test('1,000 steps share their timers: a shutdown arms a handful, not one per hook', async () => {
  const life = createLifecycle({ ...quiet, deadlineMs: 60_000 });
  for (let i = 0; i < 1000; i++) life.add(`step-${i}`, { close: () => {} });
  let timers = 0;
  const hook = createHook({ init: (id, type) => void (type === 'Timeout' && timers++) }).enable();
  const report = await life.shutdown('test');
  hook.disable();
  assert.equal(report.steps.filter((step) => step.status === 'ok').length, 1000);
  assert.ok(timers < 50, `${timers} timers armed`);
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
  life.add('bound', { close: function (...args) { got.bound = args; }.bind(null) });
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
