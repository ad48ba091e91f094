// Options of the exit path, in process: long timers, duplicate signals, the pre-stop cap, warnings.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';

import { setLongTimeout } from '../../../build/modules/internal/long-timer.js';

const collect = () => {
  const lines = [];
  const log = (_obj, msg) => lines.push(msg);
  return { lines, logger: { info: log, warn: log, error: log } };
};

test('setLongTimeout chains timers: a duration above 2^31-1 ms is not clamped to 1 ms', async () => {
  let fired = false;
  const timer = setLongTimeout(() => (fired = true), 2 ** 31 + 5);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(fired, false);
  timer.clear();
  // Chained in chunks, it fires once the whole duration has passed.
  const started = performance.now();
  const firedAt = await new Promise((resolve) => setLongTimeout(() => resolve(performance.now()), 90, true, 20));
  assert.ok(firedAt - started >= 89, `fired after ${firedAt - started} ms`);
});

test('duplicate signals are ERR_INVALID_OPTION', () => {
  assert.throws(() => createLifecycle({ signals: ['SIGTERM', 'SIGTERM'], exit: false }), {
    code: 'ERR_INVALID_OPTION',
    message: /Expected "signals" to be an array of distinct signal names/,
  });
});

test('the pre-stop delay is capped at half the deadline, with one warning at createLifecycle()', () => {
  const { lines, logger } = collect();
  const life = createLifecycle({ deadlineMs: 3000, preStopDelayMs: 5000, signals: false, logger });
  assert.equal(life.preStopDelayMs, 1500);
  assert.deepEqual(lines, [
    'preStopDelayMs 5000 ms would take more than half of the 3000 ms deadline and leave draining and closing without time; using 1500 ms',
  ]);
  const quiet = collect();
  assert.equal(
    createLifecycle({ deadlineMs: 30_000, preStopDelayMs: 5000, signals: false, logger: quiet.logger }).preStopDelayMs,
    5000,
  );
  assert.deepEqual(quiet.lines, []);
});

test('exit: false with signals on warns that no watchdog bounds the shutdown', async () => {
  const { lines, logger } = collect();
  const life = createLifecycle({ exit: false, logger });
  assert.match(lines.join('\n'), /signals are handled but the watchdog is off \(it follows exit: false\)/);
  await life.shutdown();
});

test('onReport must be a function; with exit: false it is still called with the final report', async () => {
  assert.throws(() => createLifecycle({ onReport: 'ship', signals: false }), { code: 'ERR_INVALID_OPTION' });
  let shipped;
  const life = createLifecycle({ signals: false, logger: false, onReport: (report) => (shipped = report) });
  const report = await life.shutdown();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(shipped, report);
});
