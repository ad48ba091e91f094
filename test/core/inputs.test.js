// Issue 9 items 17–18: every entry point with hostile input gives a typed error at the call site
// and changes nothing; 0 means "no bound of its own" for every timeout option.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLifecycle } from 'lastcall';

const quiet = (options = {}) => createLifecycle({ signals: false, logger: false, ...options });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const typed = (error) => typeof error?.code === 'string' && /^ERR_/.test(error.code) && error instanceof Error;
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
const throwingGetter = (key) => Object.defineProperty({}, key, { enumerable: true, get() { throw new Error('getter'); } });
const trapProxy = () => new Proxy({}, { ownKeys() { throw new Error('ownKeys trap'); }, get() { throw new Error('get trap'); } });

test('item 17: createLifecycle rejects hostile options with typed errors and installs nothing', () => {
  const before = process.listenerCount('SIGTERM');
  const bad = [
    42, 'x', null, [], revoked(), trapProxy(), throwingGetter('deadlineMs'), JSON.parse('{"__proto__": {"deadlineMs": 1}}'),
    Object.create({ deadlineMs: 100 }), { deadlineMs: NaN }, { deadlineMs: -1 }, { deadlineMs: '5s' }, { deadlineMs: 0 },
    { deadlineMs: Infinity }, { stepTimeoutMs: -5 }, { drainTimeoutMs: NaN }, { startTimeoutMs: '1' }, { preStopDelayMs: -1 },
    { signals: 'SIGTERM' }, { signals: ['SIGNOPE'] }, { signals: [42] }, { exit: 'yes' }, { logger: throwingGetter('info') },
    { logger: revoked() }, { exitCodes: throwingGetter('clean') }, { exitCodes: { clean: 256 } }, { exitCodes: { clean: NaN } },
    { watchdog: 1 }, { handleErrors: null },
  ];
  bad.forEach((options, index) => {
    assert.throws(() => createLifecycle(options), (error) => typed(error), `case ${index} was accepted`);
  });
  assert.equal(process.listenerCount('SIGTERM'), before, 'a failed createLifecycle installs no handler');
  // Documented acceptances: huge finite durations and Infinity for timeouts mean what they say.
  const life = quiet({ deadlineMs: 1e10, stepTimeoutMs: Infinity, drainTimeoutMs: 3e9, startTimeoutMs: 0 });
  assert.equal(life.deadlineMs, 1e10);
});

test('item 17: add() rejects hostile input with typed errors; a failed add adds nothing', async () => {
  const life = quiet();
  life.add('db', { close() {} });
  const cases = [
    [42, { close() {} }], ['', { close() {} }], [null, { close() {} }], [Symbol('s'), { close() {} }],
    ['r1', revoked()], ['r2', trapProxy()], ['r3', () => {}], ['r4', throwingGetter('close')], ['r5', 42], ['r6', null],
    ['r7', { close: 'now' }], ['r8', { close() {} }, revoked()], ['r9', { close() {} }, trapProxy()],
    ['r10', { close() {} }, throwingGetter('timeoutMs')], ['r11', { close() {} }, JSON.parse('{"__proto__": 1}')],
    ['r12', { close() {} }, { timeoutMs: NaN }], ['r13', { close() {} }, { timeoutMs: -1 }],
    ['r14', { close() {} }, { dependsOn: new Proxy(['db'], { get() { throw new Error('trap'); } }) }],
    ['r15', { close() {} }, { dependsOn: [42] }], ['r16', { close() {} }, { dependsOn: ['nope'] }],
    ['r17', { close() {} }, Object.create({ timeoutMs: 5 })], ['db', { close() {} }], ['in-flight', { close() {} }],
  ];
  for (const [name, resource, options] of cases) {
    assert.throws(() => life.add(name, resource, options), (error) => typed(error), `add(${String(name)})`);
  }
  const report = await life.shutdown();
  assert.deepEqual(report.steps.map((s) => s.name), ['db']);
});

test('item 17: track(), shutdown() and on() reject hostile input with typed errors', async () => {
  const life = quiet();
  for (const work of [42, null, undefined, 'x', {}, revoked(), Object.defineProperty({}, 'then', { get() { throw new Error('then'); } })]) {
    assert.throws(() => life.track(work), (error) => typed(error));
  }
  for (const reason of [42, {}, null, Symbol('s'), revoked()]) {
    assert.throws(() => life.shutdown(reason), (error) => typed(error));
  }
  assert.equal(life.state, 'idle', 'a failed shutdown() starts nothing');
  for (const [event, listener] of [['closd', () => {}], ['__proto__', () => {}], ['closed', 42], [42, () => {}], ['closed', revoked()]]) {
    assert.throws(() => life.on(event, listener), (error) => typed(error));
    assert.throws(() => life.once(event, listener), (error) => typed(error));
    assert.throws(() => life.off(event, listener), (error) => typed(error));
  }
  assert.equal(life.signal.aborted, false);
});

test('item 17: start() with bad options rejects typed and leaves the lifecycle idle', async () => {
  const life = quiet();
  let started = 0;
  life.add('db', { start: () => started++, close() {} });
  for (const options of [null, 42, 'x', revoked(), trapProxy(), { signal: 'x' }, { signal: {} }, { nope: 1 }, throwingGetter('signal')]) {
    await assert.rejects(life.start(options), (error) => typed(error));
    assert.equal(life.state, 'idle');
  }
  await life.start();
  assert.equal(started, 1);
  await life.shutdown();
});

test('item 18: startTimeoutMs: 0 means no start bound (it used to time out at once)', async () => {
  const life = quiet({ startTimeoutMs: 0 });
  life.add('slow', { start: () => sleep(30), close() {} });
  await life.start();
  assert.equal(life.ready, true);
  await life.shutdown();
});

test('item 18: drainTimeoutMs: 0 means no drain bound of its own; the deadline still holds', async () => {
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

test('item 18: deadlineMs: 0 is refused (a deadline must bound something)', () => {
  assert.throws(() => quiet({ deadlineMs: 0 }), { code: 'ERR_INVALID_OPTION', option: 'deadlineMs' });
});
