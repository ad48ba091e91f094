// Random sets of steps against the contract: every step once, closed once, dependency order,
// the deadline, and no unhandled rejection — whatever each step does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createLifecycle } from 'lastcall';

const behaviours = ['resolve', 'reject', 'throw', 'hang', 'late-resolve', 'late-reject', 'block'];

const stepArb = fc.record({
  drain: fc.option(fc.constantFrom(...behaviours), { nil: undefined }),
  close: fc.constantFrom(...behaviours),
  delayMs: fc.integer({ min: 0, max: 40 }),
  timeoutMs: fc.option(fc.integer({ min: 5, max: 80 }), { nil: undefined }),
  dependsOn: fc.array(fc.nat(), { maxLength: 3 }),
});

const scenarioArb = fc.record({
  steps: fc.array(stepArb, { minLength: 1, maxLength: 8 }),
  deadlineMs: fc.integer({ min: 40, max: 250 }),
  stepTimeoutMs: fc.constantFrom(0, 30, 60, Infinity),
  shutdownCalls: fc.integer({ min: 1, max: 3 }),
  shutdownFromStep: fc.boolean(),
});

function hook(behaviour, delayMs, timeoutMs) {
  const late = (timeoutMs ?? 60) + delayMs + 5;
  switch (behaviour) {
    case 'resolve':
      return () => new Promise((resolve) => setTimeout(resolve, delayMs));
    case 'reject':
      return () => new Promise((_, reject) => setTimeout(() => reject(new Error('no')), delayMs));
    case 'throw':
      return () => {
        throw new Error('thrown');
      };
    case 'hang':
      return () => new Promise(() => {});
    case 'late-resolve':
      return () => new Promise((resolve) => setTimeout(resolve, late));
    case 'late-reject':
      return () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), late));
    case 'block':
      return () => {
        const end = performance.now() + Math.min(delayMs, 15);
        while (performance.now() < end);
      };
  }
}

test('the shutdown contract holds for random steps, timeouts and dependency graphs', async () => {
  let unhandled = 0;
  const onUnhandled = () => unhandled++;
  process.on('unhandledRejection', onUnhandled);
  try {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const life = createLifecycle({
          signals: false,
          logger: false,
          deadlineMs: scenario.deadlineMs,
          stepTimeoutMs: scenario.stepTimeoutMs,
        });
        const deps = new Map();
        scenario.steps.forEach((step, index) => {
          const name = `s${index}`;
          const dependsOn = index === 0 ? [] : [...new Set(step.dependsOn.map((d) => `s${d % index}`))];
          deps.set(name, dependsOn);
          const hooks = { close: hook(step.close, step.delayMs, step.timeoutMs) };
          if (step.drain) hooks.drain = hook(step.drain, step.delayMs, step.timeoutMs);
          if (scenario.shutdownFromStep && index === 0) {
            const close = hooks.close;
            hooks.close = (signal) => {
              void life.shutdown('from a step');
              return close(signal);
            };
          }
          const options = { dependsOn };
          if (step.timeoutMs !== undefined) options.timeoutMs = step.timeoutMs;
          life.add(name, hooks, options);
        });
        let closedCount = 0;
        life.on('closed', () => closedCount++);

        const calls = Array.from({ length: scenario.shutdownCalls }, () => life.shutdown('property'));
        const reports = await Promise.all(calls);
        await new Promise((resolve) => setImmediate(resolve));

        const report = reports[0];
        for (const other of reports) assert.equal(other, report, 'every caller gets the same report');
        assert.equal(closedCount, 1, 'closed fires exactly once');
        const keys = report.steps.map((s) => `${s.name}:${s.phase}`);
        const expected = scenario.steps.flatMap((step, i) => (step.drain ? [`s${i}:drain`, `s${i}:close`] : [`s${i}:close`]));
        assert.deepEqual([...keys].sort(), expected.sort(), 'each step reported exactly once');
        for (const step of report.steps) {
          assert.ok(['ok', 'failed', 'timed-out', 'skipped'].includes(step.status));
          if (step.status !== 'ok') assert.ok(step.error instanceof Error || step.status === 'skipped');
        }
        const close = new Map(report.steps.filter((s) => s.phase === 'close').map((s) => [s.name, s]));
        for (const [name, dependsOn] of deps) {
          const dependent = close.get(name);
          for (const dependency of dependsOn) {
            const closedAfter = close.get(dependency);
            if (closedAfter.status === 'skipped' || dependent.status === 'skipped') continue;
            assert.ok(
              closedAfter.startMs >= dependent.startMs + dependent.durationMs - 1,
              `${dependency} closed before its dependent ${name} finished`,
            );
          }
        }
        // Blocking steps may overrun by their block time; everything else ends by the deadline.
        const blockSlackMs = scenario.steps.filter((s) => s.close === 'block' || s.drain === 'block').length * 15;
        assert.ok(
          report.durationMs <= scenario.deadlineMs + blockSlackMs + 50,
          `${report.durationMs} ms > deadline ${scenario.deadlineMs} ms`,
        );
        assert.equal(report.exitCode, report.outcome === 'clean' ? 0 : 1);
      }),
      { numRuns: 60 },
    );
    // Give late settlements a chance to surface as unhandled rejections.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(unhandled, 0, 'no unhandled rejection');
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
