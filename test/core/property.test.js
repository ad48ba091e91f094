// Random services against the contract: closed exactly once, every step reported once, dependency
// order (late steps included), the deadline, an honest outcome, no unhandled rejection — whatever
// each hook does: hang, block the loop, throw exotic values, call shutdown() again, add steps late.
// `npm test` runs a few hundred cases; `npm run test:property` runs thousands (LASTCALL_PROPERTY_RUNS).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';
import { createLifecycle } from 'lastcall';

const numRuns = Number(process.env.LASTCALL_PROPERTY_RUNS ?? 200);
const behaviours = [
  'resolve',
  'reject',
  'throw',
  'exotic',
  'hang',
  'late-resolve',
  'late-reject',
  'block',
  'reentrant',
  'add-late',
];
const exotics = ['revoked-proxy', 'message-getter', 'constructor-getter', 'undefined', 'symbol', 'trap-proxy'];

const stepArb = fc.record({
  start: fc.option(fc.constantFrom('resolve', 'reject', 'hang', 'exotic', 'add-late', 'reentrant'), { nil: undefined }),
  drain: fc.option(fc.constantFrom(...behaviours), { nil: undefined }),
  close: fc.constantFrom(...behaviours),
  exotic: fc.constantFrom(...exotics),
  delayMs: fc.integer({ min: 0, max: 30 }),
  timeoutMs: fc.option(fc.integer({ min: 5, max: 80 }), { nil: undefined }),
  dependsOn: fc.array(fc.nat(), { maxLength: 3 }),
  lateDependsOn: fc.nat(),
});

const scenarioArb = fc.record({
  steps: fc.array(stepArb, { minLength: 1, maxLength: 7 }),
  deadlineMs: fc.integer({ min: 60, max: 220 }),
  stepTimeoutMs: fc.constantFrom(0, 30, 60, Infinity),
  drainTimeoutMs: fc.constantFrom(undefined, 0, 40),
  start: fc.boolean(),
  shutdownAfterMs: fc.integer({ min: 0, max: 30 }),
  shutdownCalls: fc.integer({ min: 1, max: 3 }),
});

function exoticValue(kind) {
  switch (kind) {
    case 'revoked-proxy': {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }
    case 'message-getter':
      return Object.defineProperty(new Error('x'), 'message', {
        get() {
          throw new Error('getter');
        },
      });
    case 'constructor-getter':
      return Object.defineProperty({}, 'constructor', {
        get() {
          throw new Error('getter');
        },
      });
    case 'undefined':
      return undefined;
    case 'symbol':
      return Symbol('thrown');
    case 'trap-proxy':
      return new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
          getPrototypeOf() {
            throw new Error('trap');
          },
        },
      );
  }
}

/** Builds the service the scenario describes; `model` records what the checks need. */
function build(scenario) {
  const options = {
    signals: false,
    logger: false,
    deadlineMs: scenario.deadlineMs,
    stepTimeoutMs: scenario.stepTimeoutMs,
  };
  if (scenario.drainTimeoutMs !== undefined) options.drainTimeoutMs = scenario.drainTimeoutMs;
  const life = createLifecycle(options);
  const model = { deps: new Map(), late: [], reentrant: [], blocks: 0 };
  const hook = (behaviour, step, name) => {
    const late = (step.timeoutMs ?? 60) + step.delayMs + 5;
    switch (behaviour) {
      case 'resolve':
        return () => new Promise((resolve) => setTimeout(resolve, step.delayMs));
      case 'reject':
        return () => new Promise((_, reject) => setTimeout(() => reject(new Error('no')), step.delayMs));
      case 'throw':
        return () => {
          throw new Error('thrown');
        };
      case 'exotic':
        return () => {
          throw exoticValue(step.exotic);
        };
      case 'hang':
        return () => new Promise(() => {});
      case 'late-resolve':
        return () => new Promise((resolve) => setTimeout(resolve, late));
      case 'late-reject':
        return () => new Promise((_, reject) => setTimeout(() => reject(exoticValue(step.exotic)), late));
      case 'block':
        model.blocks++;
        return () => {
          const end = performance.now() + Math.min(step.delayMs, 15);
          while (performance.now() < end);
        };
      case 'reentrant':
        return () => {
          model.reentrant.push(life.shutdown('re-entrant'));
          return new Promise((resolve) => setTimeout(resolve, step.delayMs));
        };
      case 'add-late':
        return () => {
          const names = [...model.deps.keys()];
          const dependency = names[step.lateDependsOn % names.length];
          const lateName = `late${model.late.length}-${name}`;
          try {
            life.add(
              lateName,
              { close: () => new Promise((resolve) => setTimeout(resolve, 3)) },
              { dependsOn: [dependency] },
            );
            model.late.push(lateName);
            model.deps.set(lateName, [dependency]);
          } catch (error) {
            // Refused only when its dependency already began closing, or the lifecycle closed.
            assert.equal(error.code, 'ERR_LIFECYCLE_STATE');
          }
        };
    }
  };
  scenario.steps.forEach((step, index) => {
    const name = `s${index}`;
    const dependsOn = index === 0 ? [] : [...new Set(step.dependsOn.map((d) => `s${d % index}`))];
    model.deps.set(name, dependsOn);
    const hooks = { close: hook(step.close, step, name) };
    if (step.drain) hooks.drain = hook(step.drain, step, name);
    if (step.start) hooks.start = hook(step.start, step, name);
    const addOptions = { dependsOn };
    if (step.timeoutMs !== undefined) addOptions.timeoutMs = step.timeoutMs;
    life.add(name, hooks, addOptions);
  });
  return { life, model };
}

async function check(scenario) {
  const { life, model } = build(scenario);
  let closedCount = 0;
  life.on('closed', () => closedCount++);
  const starting = scenario.start
    ? life.start().then(
        () => 'ok',
        (error) => error,
      )
    : undefined;
  if (scenario.start) await new Promise((resolve) => setTimeout(resolve, scenario.shutdownAfterMs));
  const calledAt = performance.now();
  // A timer due at the deadline, set beside lastcall's: how late this box runs a timer then (a loaded box
  // runs it hundreds of ms late, lastcall's deadline timer with it). The bound below adds that lateness.
  const probe = new Promise((resolve) =>
    setTimeout(() => resolve(performance.now() - calledAt - scenario.deadlineMs), scenario.deadlineMs),
  );
  const calls = Array.from({ length: scenario.shutdownCalls }, () => life.shutdown('property'));
  const reports = await Promise.all([...calls, ...model.reentrant]);
  const settledMs = performance.now() - calledAt;
  await new Promise((resolve) => setImmediate(resolve));

  const report = reports[0];
  for (const other of [...reports, ...(await Promise.all(model.reentrant))])
    assert.equal(other, report, 'one shutdown, one report');
  assert.equal(closedCount, 1, 'closed fires exactly once');
  if (starting) {
    const outcome = await starting;
    if (outcome !== 'ok') assert.equal(outcome.code, 'ERR_START_FAILED');
  }

  // Every step (late ones included) is reported once per phase it has; closes exactly once.
  const keys = report.steps.map((s) => `${s.name}:${s.phase}`);
  assert.equal(new Set(keys).size, keys.length, `a step reported twice: ${keys}`);
  const closes = new Map(report.steps.filter((s) => s.phase === 'close').map((s) => [s.name, s]));
  for (const name of model.deps.keys()) assert.ok(closes.has(name), `${name} has no close in the report`);
  for (const step of report.steps) {
    assert.ok(['ok', 'failed', 'timed-out', 'skipped'].includes(step.status));
    if (step.status === 'failed' || step.status === 'timed-out')
      assert.ok(step.error instanceof Error && typeof step.error.message === 'string');
  }

  // Dependency order, late steps included: a dependency's close starts after its dependent's ended.
  for (const [name, dependsOn] of model.deps) {
    const dependent = closes.get(name);
    for (const dependency of dependsOn) {
      const closedAfter = closes.get(dependency);
      if (closedAfter.status === 'skipped' || dependent.status === 'skipped') continue;
      assert.ok(
        closedAfter.startMs >= dependent.startMs + dependent.durationMs - 1,
        `${dependency} closed before its dependent ${name} finished`,
      );
    }
  }

  // Bounded: blocking hooks may overrun by their block time; everything else ends by the deadline.
  const lateMs = report.durationMs > scenario.deadlineMs || settledMs > scenario.deadlineMs ? await probe : 0;
  const slackMs = model.blocks * 15 + 60 + lateMs;
  assert.ok(
    report.durationMs <= scenario.deadlineMs + slackMs,
    `${report.durationMs} ms > deadline ${scenario.deadlineMs} ms (timers ran ${lateMs} ms late)`,
  );
  assert.ok(settledMs <= scenario.deadlineMs + slackMs + 50, `shutdown() settled after ${settledMs} ms`);

  // Honest: anything that failed makes the outcome not clean, and the exit code follows.
  const failed = report.steps.some(
    (s) => s.status === 'failed' || s.status === 'timed-out' || (s.status === 'skipped' && s.error),
  );
  if (failed) assert.notEqual(report.outcome, 'clean', JSON.stringify(report.steps));
  assert.equal(report.exitCode, report.outcome === 'clean' ? 0 : 1);
  assert.equal(life.state, 'closed');
}

test(
  'the shutdown contract holds for random services, hostile hooks, re-entrant calls and late steps',
  { timeout: 600_000 },
  async () => {
    const unhandled = [];
    const onUnhandled = (error) => unhandled.push(error);
    process.on('unhandledRejection', onUnhandled);
    try {
      await fc.assert(fc.asyncProperty(scenarioArb, check), { numRuns });
      // Give late settlements a chance to surface as unhandled rejections.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(unhandled.length, 0, 'no unhandled rejection');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  },
);
