// Bad input throws a typed error at the call site, naming the option, the expectation and the value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLifecycle, LastcallError } from 'lastcall';

const quiet = (options = {}) => createLifecycle({ signals: false, logger: false, ...options });

test('wrong types and bad durations name the option and the received value', () => {
  assert.throws(() => quiet({ deadlineMs: '5s' }), {
    code: 'ERR_INVALID_OPTION',
    option: 'deadlineMs',
    message: 'Expected "deadlineMs" to be a finite non-negative number, got "5s" (string)',
  });
  assert.throws(() => quiet({ stepTimeoutMs: -1 }), { code: 'ERR_INVALID_OPTION', option: 'stepTimeoutMs' });
  assert.throws(() => quiet({ drainTimeoutMs: Number.NaN }), { code: 'ERR_INVALID_OPTION', option: 'drainTimeoutMs' });
  assert.throws(() => quiet({ deadlineMs: Infinity }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => quiet({ exit: 'yes' }), { code: 'ERR_INVALID_OPTION', option: 'exit' });
  assert.throws(() => quiet({ signals: ['SIGTERM', 'SIGNOPE'] }), { code: 'ERR_INVALID_OPTION', option: 'signals' });
  assert.throws(() => quiet({ signals: ['SIGKILL'] }), { code: 'ERR_INVALID_OPTION', option: 'signals' });
  assert.throws(() => quiet({ logger: 'pino' }), { code: 'ERR_INVALID_OPTION', option: 'logger' });
  assert.throws(() => quiet({ logger: { info: 1 } }), { code: 'ERR_INVALID_OPTION', option: 'logger.info' });
  assert.throws(() => quiet({ exitCodes: { failed: 300 } }), { code: 'ERR_INVALID_OPTION', option: 'exitCodes.failed' });
  assert.throws(() => quiet({ exitCodes: { crashed: 2 } }), { code: 'ERR_UNKNOWN_OPTION' });
  assert.throws(() => createLifecycle(42), { code: 'ERR_INVALID_OPTION' });
});

test('unknown option keys throw', () => {
  assert.throws(() => quiet({ deadline: 5000 }), (error) => {
    assert.ok(error instanceof LastcallError);
    assert.equal(error.code, 'ERR_UNKNOWN_OPTION');
    assert.match(error.message, /Unknown option "deadline" for createLifecycle\(\)/);
    return true;
  });
  assert.throws(() => quiet().add('a', { close() {} }, { timeout: 5 }), { code: 'ERR_UNKNOWN_OPTION', option: 'timeout' });
});

test('env values are validated and override the defaults', () => {
  const withEnv = (vars, fn) => {
    const saved = { ...process.env };
    Object.assign(process.env, vars);
    try {
      return fn();
    } finally {
      for (const key of Object.keys(vars)) if (saved[key] === undefined) delete process.env[key]; else process.env[key] = saved[key];
    }
  };
  assert.throws(() => withEnv({ LASTCALL_DEADLINE_MS: 'soon' }, () => quiet()), { code: 'ERR_INVALID_OPTION', option: 'LASTCALL_DEADLINE_MS' });
  assert.throws(() => withEnv({ LASTCALL_STEP_TIMEOUT_MS: '-5' }, () => quiet()), { option: 'LASTCALL_STEP_TIMEOUT_MS' });
  assert.equal(withEnv({ LASTCALL_DEADLINE_MS: '1500' }, () => quiet().deadlineMs), 1500);
  assert.equal(withEnv({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, () => quiet().preStopDelayMs), 5000);
  assert.equal(withEnv({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, () => quiet({ preStopDelayMs: 0 }).preStopDelayMs), 0);
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
  assert.throws(() => life.add('y', { close() {} }, { dependsOn: 'db' }), { code: 'ERR_INVALID_OPTION', option: 'dependsOn' });
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
