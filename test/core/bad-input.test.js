// The core's bad input, in one file: every entry point throws a typed error at the call site, naming
// the option, the expectation and the value, and changes nothing; hostile values (revoked proxies,
// throwing getters) included. 0 means "no bound of its own" for every timeout option but the deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLifecycle, LastcallError } from 'lastcall';

const quiet = (options = {}) => createLifecycle({ signals: false, logger: false, ...options });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const typed = (error) => typeof error?.code === 'string' && /^ERR_/.test(error.code) && error instanceof Error;
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
const throwingGetter = (key) =>
  Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      throw new Error('getter');
    },
  });
const trapProxy = () =>
  new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('ownKeys trap');
      },
      get() {
        throw new Error('get trap');
      },
    },
  );

test('createLifecycle rejects hostile options with typed errors and installs nothing', () => {
  const before = process.listenerCount('SIGTERM');
  const bad = [
    42,
    'x',
    null,
    [],
    revoked(),
    trapProxy(),
    throwingGetter('deadlineMs'),
    JSON.parse('{"__proto__": {"deadlineMs": 1}}'),
    Object.create({ deadlineMs: 100 }),
    { deadlineMs: NaN },
    { deadlineMs: -1 },
    { deadlineMs: '5s' },
    { deadlineMs: 0 },
    { deadlineMs: Infinity },
    { stepTimeoutMs: -5 },
    { drainTimeoutMs: NaN },
    { startTimeoutMs: '1' },
    { preStopDelayMs: -1 },
    { signals: 'SIGTERM' },
    { signals: ['SIGNOPE'] },
    { signals: [42] },
    { exit: 'yes' },
    { logger: throwingGetter('info') },
    { logger: revoked() },
    { exitCodes: throwingGetter('clean') },
    { exitCodes: { clean: 256 } },
    { exitCodes: { clean: NaN } },
    { watchdog: 1 },
    { handleErrors: null },
  ];
  bad.forEach((options, index) => {
    assert.throws(
      () => createLifecycle(options),
      (error) => typed(error),
      `case ${index} was accepted`,
    );
  });
  assert.equal(process.listenerCount('SIGTERM'), before, 'a failed createLifecycle installs no handler');
  // Documented acceptances: huge finite durations and Infinity for timeouts mean what they say.
  const life = quiet({ deadlineMs: 1e10, stepTimeoutMs: Infinity, drainTimeoutMs: 3e9, startTimeoutMs: 0 });
  assert.equal(life.deadlineMs, 1e10);
});

test('add() rejects hostile input with typed errors; a failed add adds nothing', async () => {
  const life = quiet();
  life.add('db', { close() {} });
  const cases = [
    [42, { close() {} }],
    ['', { close() {} }],
    [null, { close() {} }],
    [Symbol('s'), { close() {} }],
    ['r1', revoked()],
    ['r2', trapProxy()],
    ['r3', () => {}],
    ['r4', throwingGetter('close')],
    ['r5', 42],
    ['r6', null],
    ['r7', { close: 'now' }],
    ['r8', { close() {} }, revoked()],
    ['r9', { close() {} }, trapProxy()],
    ['r10', { close() {} }, throwingGetter('timeoutMs')],
    ['r11', { close() {} }, JSON.parse('{"__proto__": 1}')],
    ['r12', { close() {} }, { timeoutMs: NaN }],
    ['r13', { close() {} }, { timeoutMs: -1 }],
    [
      'r14',
      { close() {} },
      {
        dependsOn: new Proxy(['db'], {
          get() {
            throw new Error('trap');
          },
        }),
      },
    ],
    ['r15', { close() {} }, { dependsOn: [42] }],
    ['r16', { close() {} }, { dependsOn: ['nope'] }],
    ['r17', { close() {} }, Object.create({ timeoutMs: 5 })],
    ['db', { close() {} }],
    ['in-flight', { close() {} }],
  ];
  for (const [name, resource, options] of cases) {
    assert.throws(
      () => life.add(name, resource, options),
      (error) => typed(error),
      `add(${String(name)})`,
    );
  }
  const report = await life.shutdown();
  assert.deepEqual(
    report.steps.map((s) => s.name),
    ['db'],
  );
});

test('track(), shutdown() and on() reject hostile input with typed errors', async () => {
  const life = quiet();
  for (const work of [
    42,
    null,
    undefined,
    'x',
    {},
    revoked(),
    Object.defineProperty({}, 'then', {
      get() {
        throw new Error('then');
      },
    }),
  ]) {
    assert.throws(
      () => life.track(work),
      (error) => typed(error),
    );
  }
  for (const reason of [42, {}, null, Symbol('s'), revoked()]) {
    assert.throws(
      () => life.shutdown(reason),
      (error) => typed(error),
    );
  }
  assert.equal(life.state, 'idle', 'a failed shutdown() starts nothing');
  for (const [event, listener] of [
    ['closd', () => {}],
    ['__proto__', () => {}],
    ['closed', 42],
    [42, () => {}],
    ['closed', revoked()],
  ]) {
    assert.throws(
      () => life.on(event, listener),
      (error) => typed(error),
    );
    assert.throws(
      () => life.once(event, listener),
      (error) => typed(error),
    );
    assert.throws(
      () => life.off(event, listener),
      (error) => typed(error),
    );
  }
  assert.equal(life.signal.aborted, false);
});

test('start() with bad options rejects typed and leaves the lifecycle idle', async () => {
  const life = quiet();
  let started = 0;
  life.add('db', { start: () => started++, close() {} });
  for (const options of [
    null,
    42,
    'x',
    revoked(),
    trapProxy(),
    { signal: 'x' },
    { signal: {} },
    { nope: 1 },
    throwingGetter('signal'),
  ]) {
    await assert.rejects(life.start(options), (error) => typed(error));
    assert.equal(life.state, 'idle');
  }
  await life.start();
  assert.equal(started, 1);
  await life.shutdown();
});

test('startTimeoutMs: 0 means no start bound (it used to time out at once)', async () => {
  const life = quiet({ startTimeoutMs: 0 });
  life.add('slow', { start: () => sleep(30), close() {} });
  await life.start();
  assert.equal(life.ready, true);
  await life.shutdown();
});

test('drainTimeoutMs: 0 means no drain bound of its own; the deadline still holds', async () => {
  const life = quiet({ drainTimeoutMs: 0, deadlineMs: 2000 });
  let drained = false;
  life.add('q', { drain: () => sleep(20).then(() => (drained = true)), close() {} });
  life.track(sleep(20));
  const report = await life.shutdown();
  assert.equal(drained, true);
  assert.equal(report.outcome, 'clean');
  assert.equal(report.exitCode, 0);

  const bounded = quiet({ drainTimeoutMs: 0, deadlineMs: 150, stepTimeoutMs: 0 });
  bounded.add('stuck', { drain: () => new Promise(() => {}), close() {} });
  const cut = await bounded.shutdown();
  assert.equal(cut.steps.find((s) => s.phase === 'drain').error.code, 'ERR_DEADLINE_EXCEEDED');
});

test('a deadline of 0, -1 or Infinity is refused with one wording, as an option or from LASTCALL_DEADLINE_MS', () => {
  const expected = 'a positive finite number of ms';
  for (const bad of [0, -1, Infinity, '5s']) {
    assert.throws(() => quiet({ deadlineMs: bad }), { code: 'ERR_INVALID_OPTION', option: 'deadlineMs', expected });
  }
  const saved = process.env.LASTCALL_DEADLINE_MS;
  try {
    for (const bad of ['0', '-1', 'Infinity', '5s']) {
      process.env.LASTCALL_DEADLINE_MS = bad;
      assert.throws(() => quiet(), { code: 'ERR_INVALID_OPTION', option: 'LASTCALL_DEADLINE_MS', expected }, bad);
    }
  } finally {
    if (saved === undefined) delete process.env.LASTCALL_DEADLINE_MS;
    else process.env.LASTCALL_DEADLINE_MS = saved;
  }
});

test('wrong types and bad durations name the option and the received value', () => {
  assert.throws(() => quiet({ deadlineMs: '5s' }), {
    code: 'ERR_INVALID_OPTION',
    option: 'deadlineMs',
    message: 'Expected "deadlineMs" to be a positive finite number of ms, got "5s" (string)',
  });
  assert.throws(() => quiet({ stepTimeoutMs: -1 }), { code: 'ERR_INVALID_OPTION', option: 'stepTimeoutMs' });
  assert.throws(() => quiet({ drainTimeoutMs: Number.NaN }), { code: 'ERR_INVALID_OPTION', option: 'drainTimeoutMs' });
  assert.throws(() => quiet({ deadlineMs: Infinity }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => quiet({ exit: 'yes' }), { code: 'ERR_INVALID_OPTION', option: 'exit' });
  assert.throws(() => quiet({ signals: ['SIGTERM', 'SIGNOPE'] }), { code: 'ERR_INVALID_OPTION', option: 'signals' });
  assert.throws(() => quiet({ signals: ['SIGKILL'] }), { code: 'ERR_INVALID_OPTION', option: 'signals' });
  assert.throws(() => quiet({ logger: 'pino' }), { code: 'ERR_INVALID_OPTION', option: 'logger' });
  assert.throws(() => quiet({ logger: { info: 1 } }), { code: 'ERR_INVALID_OPTION', option: 'logger.info' });
  assert.throws(() => quiet({ exitCodes: { failed: 300 } }), {
    code: 'ERR_INVALID_OPTION',
    option: 'exitCodes.failed',
  });
  assert.throws(() => quiet({ exitCodes: { crashed: 2 } }), { code: 'ERR_UNKNOWN_OPTION' });
  assert.throws(() => createLifecycle(42), { code: 'ERR_INVALID_OPTION' });
});

test('unknown option keys throw', () => {
  assert.throws(
    () => quiet({ deadline: 5000 }),
    (error) => {
      assert.ok(error instanceof LastcallError);
      assert.equal(error.code, 'ERR_UNKNOWN_OPTION');
      assert.match(error.message, /Unknown option "deadline" for createLifecycle\(\)/);
      return true;
    },
  );
  assert.throws(() => quiet().add('a', { close() {} }, { timeout: 5 }), {
    code: 'ERR_UNKNOWN_OPTION',
    option: 'timeout',
  });
});

test('env values are validated and override the defaults', () => {
  const withEnv = (vars, fn) => {
    const saved = { ...process.env };
    Object.assign(process.env, vars);
    try {
      return fn();
    } finally {
      for (const key of Object.keys(vars))
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
    }
  };
  assert.throws(() => withEnv({ LASTCALL_DEADLINE_MS: 'soon' }, () => quiet()), {
    code: 'ERR_INVALID_OPTION',
    option: 'LASTCALL_DEADLINE_MS',
  });
  assert.throws(() => withEnv({ LASTCALL_STEP_TIMEOUT_MS: '-5' }, () => quiet()), {
    option: 'LASTCALL_STEP_TIMEOUT_MS',
  });
  assert.equal(
    withEnv({ LASTCALL_DEADLINE_MS: '1500' }, () => quiet().deadlineMs),
    1500,
  );
  assert.equal(
    withEnv({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, () => quiet().preStopDelayMs),
    5000,
  );
  assert.equal(
    withEnv({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, () => quiet({ preStopDelayMs: 0 }).preStopDelayMs),
    0,
  );
});

test('steps: duplicate names, unknown dependencies, cycles, non-resources', () => {
  const life = quiet();
  life.add('db', { close() {} });
  assert.throws(() => life.add('db', { close() {} }), { code: 'ERR_DUPLICATE_STEP', step: 'db' });
  assert.throws(() => life.add('queue', { close() {} }, { dependsOn: ['redis'] }), {
    code: 'ERR_UNKNOWN_DEPENDENCY',
    dependency: 'redis',
  });
  assert.throws(() => life.add('loop', { close() {} }, { dependsOn: ['db', 'loop'] }), {
    code: 'ERR_DEPENDENCY_CYCLE',
    message: 'Dependency cycle: loop → loop',
  });
  assert.throws(() => life.add('x', {}), { code: 'ERR_INVALID_RESOURCE' });
  assert.throws(() => life.add('x', { close: 'now' }), { code: 'ERR_INVALID_RESOURCE' });
  assert.throws(() => life.add('x', new (class Thing {})()), { code: 'ERR_INVALID_RESOURCE' });
  assert.throws(() => life.add('', { close() {} }), { code: 'ERR_INVALID_OPTION', option: 'name' });
  assert.throws(() => life.add('in-flight', { close() {} }), { code: 'ERR_DUPLICATE_STEP' });
  assert.throws(() => life.add('y', { close() {} }, { dependsOn: 'db' }), {
    code: 'ERR_INVALID_OPTION',
    option: 'dependsOn',
  });
  assert.throws(() => life.track(42), { code: 'ERR_INVALID_OPTION', option: 'work' });
  assert.throws(() => life.shutdown(42), { code: 'ERR_INVALID_OPTION', option: 'reason' });
});

test('a failed add leaves no half-registered step', async () => {
  const life = quiet();
  assert.throws(() => life.add('x', { close() {} }, { dependsOn: ['nope'] }));
  life.add('x', { close() {} });
  const report = await life.shutdown();
  assert.equal(report.steps.length, 1);
});

test('shutdown(reason) with a revoked Proxy is a typed error', () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.throws(() => quiet().shutdown(proxy), { code: 'ERR_INVALID_OPTION', option: 'reason' });
});

test('misspelt hook names fail loudly, with a suggestion', () => {
  const life = quiet();
  assert.throws(() => life.add('a', { close() {}, finsh() {} }), {
    code: 'ERR_INVALID_RESOURCE',
    message: /"finsh" is not a hook \(did you mean "finish"\?\)/,
  });
  assert.throws(() => life.add('b', { finsh() {} }), {
    code: 'ERR_INVALID_RESOURCE',
    message: /did you mean "finish"/,
  });
  assert.throws(() => life.add('c', { end() {}, drian() {} }), {
    code: 'ERR_INVALID_RESOURCE',
    message: /did you mean "drain"/,
  });
});
