// The core's promise under hostile hooks, re-entrant callers and late
// steps. Each test failed before its fix.
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';

const quiet = (options = {}) => createLifecycle({ signals: false, logger: false, ...options });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const find = (report, name, phase = 'close') => report.steps.find((s) => s.name === name && s.phase === phase);

test('shutdown while a start hook hangs cuts it off; what started closes; start() rejects', async () => {
  const life = quiet({ deadlineMs: 2000 });
  const events = [];
  life.add('db', { start: () => events.push('start db'), close: () => events.push('close db') });
  life.add('api', { start: () => new Promise(() => {}), close: () => events.push('close api') }, { dependsOn: ['db'] });
  const starting = life.start();
  while (!events.includes('start db')) await sleep(1);
  await sleep(5);
  const began = performance.now();
  const report = await life.shutdown('SIGTERM');
  assert.ok(performance.now() - began < 1000, 'the hung start does not hold the close for the whole budget');
  assert.deepEqual(
    events,
    ['start db', 'close api', 'close db'],
    'a start cut off may have opened something: closed, in order',
  );
  const start = find(report, 'api', 'start');
  assert.ok(start, 'the cut-off start is in the report');
  assert.equal(start.status, 'failed');
  assert.equal(start.error.code, 'ERR_STEP_ABANDONED');
  assert.notEqual(report.outcome, 'clean');
  await assert.rejects(starting, { code: 'ERR_START_FAILED' });
});

test('alone, a hung start is reported and its step closed', async () => {
  const life = quiet({ deadlineMs: 2000 });
  let closed = false;
  let started = false;
  life.add('solo', {
    start: () => {
      started = true;
      return new Promise(() => {});
    },
    close: () => (closed = true),
  });
  const starting = life.start().catch((error) => error);
  while (!started) await sleep(1);
  const report = await life.shutdown('SIGTERM');
  assert.equal(find(report, 'solo', 'start').status, 'failed');
  assert.equal(find(report, 'solo').status, 'ok');
  assert.equal(closed, true);
  assert.equal(report.exitCode, 1);
  assert.equal((await starting).code, 'ERR_START_FAILED');
});

test('shutdown() from a signal listener, a shutdown listener and a diagnostics subscriber: one shutdown', async () => {
  const life = quiet();
  let drains = 0;
  let closedEvents = 0;
  const promises = [];
  life.add('db', { drain: () => drains++, close: () => {} });
  life.signal.addEventListener('abort', () => promises.push(life.shutdown('again from signal')));
  life.on('shutdown', () => promises.push(life.shutdown('again from listener')));
  life.on('closed', () => closedEvents++);
  const subscriber = () => promises.push(life.shutdown('again from channel'));
  diagnostics.subscribe('lastcall:shutdown', subscriber);
  try {
    const first = life.shutdown('first');
    assert.equal(promises.length, 3);
    for (const promise of promises) assert.equal(promise, first);
    const report = await first;
    assert.equal(report.reason, 'first');
    assert.equal(drains, 1);
    assert.equal(closedEvents, 1);
  } finally {
    diagnostics.unsubscribe('lastcall:shutdown', subscriber);
  }
});

test('a listener that calls shutdown() every time does not recurse', async () => {
  const life = quiet();
  let calls = 0;
  life.on('shutdown', () => {
    calls++;
    void life.shutdown('recursive');
  });
  await life.shutdown();
  assert.equal(calls, 1);
});

test('exotic thrown values are reported; closed fires; no unhandled rejection', async () => {
  const unhandled = [];
  const onUnhandled = (error) => unhandled.push(error);
  process.on('unhandledRejection', onUnhandled);
  try {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const badMessage = new Error('x');
    Object.defineProperty(badMessage, 'message', {
      get() {
        throw new Error('message getter');
      },
    });
    const badConstructor = {};
    Object.defineProperty(badConstructor, 'constructor', {
      get() {
        throw new Error('constructor getter');
      },
    });
    const hostileProxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('proto trap');
        },
      },
    );
    const values = { proxy, badMessage, badConstructor, hostileProxy, nothing: undefined, nul: null, sym: Symbol('s') };
    const life = quiet();
    for (const [name, value] of Object.entries(values)) {
      life.add(`throw-${name}`, {
        close: () => {
          throw value;
        },
      });
      life.add(`reject-${name}`, { drain: () => Promise.reject(value), close: () => {} });
    }
    life.add('thenable', {
      close: () => ({
        get then() {
          throw new Error('then getter');
        },
      }),
    });
    let closed;
    life.on('closed', (report) => (closed = report));
    const report = await life.shutdown();
    assert.equal(closed, report);
    for (const name of Object.keys(values)) {
      for (const [step, phase] of [
        [`throw-${name}`, 'close'],
        [`reject-${name}`, 'drain'],
      ]) {
        const entry = find(report, step, phase);
        assert.equal(entry.status, 'failed', `${step} ${phase}`);
        assert.ok(entry.error instanceof Error);
        assert.equal(typeof entry.error.message, 'string');
      }
    }
    assert.equal(find(report, 'thenable').status, 'failed');
    assert.equal(report.outcome, 'failed');
    JSON.stringify(report.steps.map((s) => s.error?.message));
    await sleep(20);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('a step added during drain with dependsOn closes before its dependency', async () => {
  const life = quiet();
  const order = [];
  life.add('db', {
    drain: () => {
      life.add(
        'late',
        {
          drain: () => order.push('late drain'),
          close: async () => {
            await sleep(30);
            order.push('late closed');
          },
        },
        { dependsOn: ['db'] },
      );
    },
    close: () => order.push('db close'),
  });
  const report = await life.shutdown();
  assert.deepEqual(order, ['late drain', 'late closed', 'db close']);
  assert.equal(find(report, 'late').status, 'ok');
});

test('a step added during close keeps the order; depending on a closing step is refused', async () => {
  const life = quiet();
  const order = [];
  let refused;
  life.add('db', { close: () => order.push('db close') });
  life.add(
    'queue',
    {
      close: async () => {
        await sleep(20);
        order.push('queue close');
      },
    },
    { dependsOn: ['db'] },
  );
  life.add(
    'api',
    {
      close: () => {
        life.add(
          'late',
          {
            close: async () => {
              await sleep(10);
              order.push('late close');
            },
          },
          { dependsOn: ['db'] },
        );
        try {
          life.add('too-late', { close: () => {} }, { dependsOn: ['api'] });
        } catch (error) {
          refused = error;
        }
      },
    },
    { dependsOn: ['queue'] },
  );
  const report = await life.shutdown();
  assert.deepEqual(order, ['late close', 'queue close', 'db close']);
  assert.equal(refused?.code, 'ERR_LIFECYCLE_STATE');
  assert.equal(report.steps.filter((s) => s.name === 'too-late').length, 0, 'a refused add changes nothing');
});

test('a step added during start() is started, in dependency order', async () => {
  const life = quiet();
  const events = [];
  life.add('db', {
    start: async () => {
      life.add('cache', { start: () => events.push('start cache'), close: () => {} }, { dependsOn: ['db'] });
      await sleep(10);
      events.push('started db');
    },
    close: () => {},
  });
  await life.start();
  assert.deepEqual(events, ['started db', 'start cache']);
  assert.throws(() => life.add('later', { start: () => {}, close: () => {} }), { code: 'ERR_LIFECYCLE_STATE' });
  life.add('later', { close: () => {} });
  const report = await life.shutdown();
  assert.equal(find(report, 'cache').status, 'ok');
});

test('start() after the lifecycle closed rejects, also when it had started before', async () => {
  const life = quiet();
  await life.start();
  await life.shutdown();
  await assert.rejects(life.start(), { code: 'ERR_LIFECYCLE_STATE' });
});

test('tracked work gets a signal that aborts when its bound runs out, not when shutdown begins', async () => {
  const life = quiet({ drainTimeoutMs: 80 });
  const seen = [];
  life.track(async (signal) => {
    await sleep(20);
    seen.push(`after 20 ms: ${signal.aborted}`);
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    seen.push(`aborted: ${signal.reason.code}`);
  });
  const report = await life.shutdown();
  assert.deepEqual(seen, ['after 20 ms: false', 'aborted: ERR_IN_FLIGHT_TIMEOUT']);
  const inflight = find(report, 'in-flight', 'drain');
  assert.equal(inflight.status, 'timed-out');
  assert.match(inflight.error.message, /after waiting \d+ ms: drainTimeoutMs \(80 ms\)/);
});

test('a class instance with start/drain/close methods gets all three', async () => {
  const calls = [];
  class Worker {
    start() {
      calls.push('start');
    }
    drain() {
      calls.push('drain');
    }
    close() {
      calls.push(`close ${this instanceof Worker}`);
    }
  }
  const life = quiet();
  life.add('worker', new Worker());
  await life.start();
  await life.shutdown();
  assert.deepEqual(calls, ['start', 'drain', 'close true']);
});

test('plain objects with only a closer are resources, as README says', async () => {
  const closed = [];
  const life = quiet();
  life.add('end', { end: () => closed.push('end') });
  life.add('quit', { quit: () => closed.push('quit') });
  life.add('disconnect', { disconnect: () => closed.push('disconnect') });
  life.add('destroy', { destroy: () => closed.push('destroy') });
  life.add('dispose', { [Symbol.asyncDispose]: async () => closed.push('dispose') });
  await life.shutdown();
  assert.deepEqual(closed.sort(), ['destroy', 'disconnect', 'dispose', 'end', 'quit']);
});

test('a drain cut by drainTimeoutMs says so, not "the shutdown deadline"', async () => {
  const life = quiet({ deadlineMs: 5000, drainTimeoutMs: 40, stepTimeoutMs: 0 });
  life.add('slow', { drain: () => new Promise(() => {}), close: () => {} });
  const report = await life.shutdown();
  const drain = find(report, 'slow', 'drain');
  assert.equal(drain.error.code, 'ERR_PHASE_TIMEOUT');
  assert.match(drain.error.message, /did not finish within drainTimeoutMs \(40 ms\)/);
});

test('the in-flight wait never says it ended after a negative time; forced, it is ERR_FORCED_SHUTDOWN', async () => {
  const life = quiet({ deadlineMs: 5000, drainTimeoutMs: 30 });
  life.add('eats-the-drain', { drain: () => sleep(60), close: () => {} });
  life.track(new Promise(() => {}));
  const report = await life.shutdown();
  const inflight = find(report, 'in-flight', 'drain');
  assert.doesNotMatch(inflight.error.message, /-\d/);
  assert.ok(inflight.error.timeoutMs >= 0);
});

test('a hook that rejects because its signal was aborted at its timeout is not logged as "rejected late"', async () => {
  const lines = [];
  const logger = {
    info: (o, m) => lines.push(m),
    warn: (o, m) => lines.push(m),
    error: (o, m) => lines.push(m),
    debug: () => {},
  };
  const life = createLifecycle({ signals: false, logger, stepTimeoutMs: 30 });
  life.add('http', {
    close: (signal) =>
      new Promise((_, reject) =>
        signal.addEventListener('abort', () =>
          reject(Object.assign(new Error('HTTP drain was aborted'), { code: 'ERR_ABORTED' })),
        ),
      ),
  });
  await life.shutdown();
  await sleep(10);
  assert.ok(lines.some((line) => /timed out/.test(line)));
  assert.ok(!lines.some((line) => /rejected late/.test(line)), lines.join('\n'));
});

test('skipped steps are named in the log', async () => {
  const lines = [];
  const logger = { info: (o, m) => lines.push(m), warn: (o, m) => lines.push(m), error: (o, m) => lines.push(m) };
  const life = createLifecycle({ signals: false, logger });
  life.add('db', {
    start: () => {
      throw new Error('no db');
    },
    close: () => {},
  });
  life.add('api', { start: () => {}, close: () => {} }, { dependsOn: ['db'] });
  await life.start().catch(() => {});
  assert.ok(
    lines.some((line) => /step "api" \(close\) skipped: it never started/.test(line)),
    lines.join('\n'),
  );
});

test('with a pino-style logger, the final report keeps its errors', async () => {
  const logged = [];
  const logger = {
    info: (obj) => logged.push(JSON.parse(JSON.stringify(obj))),
    warn: (obj) => logged.push(JSON.parse(JSON.stringify(obj))),
    error: () => {},
  };
  const life = createLifecycle({ signals: false, logger });
  life.add('db', {
    close: () => {
      throw Object.assign(new Error('pool gone'), { code: 'EPOOL' });
    },
  });
  await life.shutdown();
  const { report } = logged.find((entry) => entry.report);
  assert.deepEqual(report.steps[0].error, { name: 'Error', code: 'EPOOL', message: 'pool gone' });
});
