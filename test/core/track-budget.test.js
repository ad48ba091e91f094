// Tracked work knows its budget: the function form gets the abort signal and a context whose
// remainingMs() counts down to the end of the drain; tracked work that fails during shutdown
// makes the outcome not clean, and the in-flight report counts finished and failed work.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLifecycle, IN_FLIGHT_STEP } from 'lastcall';

const quiet = (options = {}) => createLifecycle({ signals: false, logger: false, ...options });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const inFlight = (report) => report.steps.find((s) => s.name === IN_FLIGHT_STEP);

test('remainingMs(): Infinity before shutdown, then the time left until the drain stops waiting, 0 after', async () => {
  const life = quiet({ deadlineMs: 4000, drainTimeoutMs: 1000 });
  let context;
  let firstSignal;
  const work = life.track(async (signal, ctx) => {
    firstSignal = signal;
    context = ctx;
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    return 'handed back';
  });
  assert.equal(context.signal, firstSignal, 'the old (signal) form and ctx.signal are the same signal');
  assert.equal(context.remainingMs(), Infinity);
  const shutdown = life.shutdown();
  await sleep(100);
  const left = context.remainingMs();
  assert.ok(left > 0 && left <= 1000 - 50, `remainingMs() = ${left}`);
  const report = await shutdown;
  assert.equal(await work, 'handed back');
  assert.equal(context.remainingMs(), 0);
  assert.equal(inFlight(report).status, 'timed-out');
});

test('a job that reads its budget hands itself back in time: the drain ends clean, long before its bound', async () => {
  const life = quiet({ deadlineMs: 10_000, drainTimeoutMs: 600 });
  const done = [];
  const job = life.track(async (signal, { remainingMs }) => {
    for (let part = 0; part < 20; part++) {
      if (remainingMs() < 150) return { handedBack: true, done: part };
      await sleep(100);
      done.push(part);
    }
    return { handedBack: false, done: 20 };
  });
  const report = await life.shutdown();
  const result = await job;
  assert.equal(result.handedBack, true);
  assert.ok(result.done >= 3 && result.done < 20, JSON.stringify(result));
  assert.equal(report.outcome, 'clean');
  assert.deepEqual(inFlight(report).work, { finished: 1, failed: 0 });
});

test('tracked work that fails during shutdown: in-flight failed, outcome failed, exit 1; work that failed before shutdown does not count', async () => {
  const life = quiet();
  await life.track(Promise.reject(new Error('before'))).catch(() => {});
  const ok = life.track(sleep(50));
  const bad = life.track(async () => {
    await sleep(30);
    throw new Error('redis write failed');
  });
  bad.catch(() => {});
  const report = await life.shutdown();
  await ok;
  const step = inFlight(report);
  assert.equal(step.status, 'failed');
  assert.equal(step.error.code, 'ERR_TRACKED_WORK_FAILED');
  assert.match(step.error.message, /1 tracked task\(s\) failed during shutdown: redis write failed/);
  assert.deepEqual(step.work, { finished: 1, failed: 1 });
  assert.equal(report.outcome, 'failed');
  assert.equal(report.exitCode, 1);
});

test('the promise form and the (signal) form keep working', async () => {
  const life = quiet();
  const a = life.track(Promise.resolve(1));
  const b = life.track((signal) => Promise.resolve(signal instanceof AbortSignal));
  assert.deepEqual(await Promise.all([a, b]), [1, true]);
  const report = await life.shutdown();
  assert.equal(report.outcome, 'clean');
});
