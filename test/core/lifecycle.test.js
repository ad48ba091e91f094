// In-process behaviour of one lifecycle (no signals, no exit): phases, order, bounds, the report.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';

const quiet = (options = {}) => createLifecycle({ signals: false, logger: false, ...options });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const find = (report, name, phase = 'close') => report.steps.find((s) => s.name === name && s.phase === phase);

test('readiness turns false and the signal aborts before any drain or close hook runs', async () => {
  const life = quiet();
  await life.start();
  assert.equal(life.ready, true);
  const seen = [];
  life.add('a', {
    drain: () => seen.push(['drain', life.ready, life.signal.aborted, life.state]),
    close: () => seen.push(['close', life.ready, life.signal.aborted, life.state]),
  });
  await life.shutdown();
  assert.deepEqual(seen, [
    ['drain', false, true, 'draining'],
    ['close', false, true, 'closing'],
  ]);
  assert.equal(life.signal.reason.code, 'ERR_SHUTDOWN_STARTED');
  assert.equal(life.state, 'closed');
});

test('independent hung steps cost the max of their timeouts, not the sum', async () => {
  const life = quiet({ stepTimeoutMs: 150, deadlineMs: 5000 });
  for (const name of ['a', 'b', 'c']) life.add(name, { close: () => new Promise(() => {}) });
  const report = await life.shutdown();
  assert.equal(report.outcome, 'timed-out');
  // Concurrent: every step started before any of them timed out (a sequence would start each after the last).
  const steps = ['a', 'b', 'c'].map((name) => find(report, name));
  const firstEnd = Math.min(...steps.map((s) => s.startMs + s.durationMs));
  for (const s of steps) assert.ok(s.startMs < firstEnd, JSON.stringify(steps));
  for (const name of ['a', 'b', 'c']) assert.equal(find(report, name).status, 'timed-out');
});

test('close runs in reverse dependency order; a resource closes only after its dependents', async () => {
  const life = quiet({ stepTimeoutMs: 100 });
  const order = [];
  const closer = (name, ms) => ({
    close: async () => {
      order.push(`${name}>`);
      await sleep(ms);
      order.push(`<${name}`);
    },
  });
  life.add('db', closer('db', 5));
  life.add('cache', closer('cache', 5));
  life.add('queue', closer('queue', 30), { dependsOn: ['db'] });
  life.add(
    'api',
    {
      close: () => {
        order.push('api>');
        return new Promise(() => {});
      },
    },
    { dependsOn: ['queue', 'cache'] },
  );
  const report = await life.shutdown();
  assert.deepEqual(order.slice(0, 1), ['api>']);
  assert.ok(order.indexOf('queue>') > order.indexOf('api>'));
  assert.ok(order.indexOf('db>') > order.indexOf('<queue'), order.join(' '));
  assert.ok(order.indexOf('cache>') > order.indexOf('api>'));
  assert.equal(find(report, 'api').status, 'timed-out');
  assert.equal(find(report, 'db').status, 'ok');
});

test('a step receives an AbortSignal that aborts at its timeout', async () => {
  const life = quiet({ stepTimeoutMs: 50 });
  let signal;
  life.add('a', {
    close: (s) => {
      signal = s;
      return new Promise(() => {});
    },
  });
  await life.shutdown();
  assert.equal(signal.aborted, true);
  assert.equal(signal.reason.code, 'ERR_STEP_TIMEOUT');
});

test('stepTimeoutMs 0 means no step timeout, but the deadline still holds', async () => {
  const life = quiet({ stepTimeoutMs: 0, deadlineMs: 200 });
  life.add('slow', { close: () => sleep(120) });
  life.add('stuck', { close: () => new Promise(() => {}) });
  const report = await life.shutdown();
  assert.equal(find(report, 'slow').status, 'ok');
  assert.equal(find(report, 'stuck').status, 'timed-out');
  assert.equal(find(report, 'stuck').error.code, 'ERR_DEADLINE_EXCEEDED');
  assert.equal(report.outcome, 'timed-out');
});

test('shutdown is idempotent, also when called from inside a step', async () => {
  const life = quiet();
  let inner;
  life.add('a', {
    close: () => {
      inner = life.shutdown('again');
    },
  });
  const first = life.shutdown('first');
  assert.equal(life.shutdown('second'), first);
  const report = await first;
  assert.equal(await inner, report);
  assert.equal(report.reason, 'first');
  assert.equal(report.steps.length, 1);
});

test('closed fires exactly once; step events for every step', async () => {
  const life = quiet();
  life.add('a', { drain: () => {}, close: () => {} });
  life.add('b', { close: () => {} });
  const closed = [];
  const steps = [];
  life.on('closed', (report) => closed.push(report));
  life.on('step', (step) => steps.push(`${step.name}:${step.phase}`));
  await Promise.all([life.shutdown(), life.shutdown()]);
  await sleep(10);
  assert.equal(closed.length, 1);
  assert.deepEqual(steps.sort(), ['a:close', 'a:drain', 'b:close']);
});

test('tracked work is awaited in the drain phase, before close', async () => {
  const life = quiet();
  const order = [];
  life.track(sleep(40).then(() => order.push('job done')));
  life.track((signal) => sleep(10).then(() => order.push(`job saw abort: ${signal.aborted}`)));
  life.add('db', { close: () => order.push('db closed') });
  const report = await life.shutdown();
  // Tracked work is what the drain waits for: shutdown beginning does not cancel it.
  assert.deepEqual(order, ['job saw abort: false', 'job done', 'db closed']);
  assert.equal(find(report, 'in-flight', 'drain').status, 'ok');
});

test('tracked work is bounded by drainTimeoutMs', async () => {
  const life = quiet({ drainTimeoutMs: 50 });
  life.track(new Promise(() => {}));
  life.add('db', { close: () => {} });
  const report = await life.shutdown();
  const inflight = find(report, 'in-flight', 'drain');
  assert.equal(inflight.status, 'timed-out');
  assert.equal(inflight.error.code, 'ERR_IN_FLIGHT_TIMEOUT');
  assert.equal(inflight.error.pending, 1);
  assert.equal(find(report, 'db').status, 'ok');
});

test('preStopDelayMs passes between readiness false and the drain hooks', async () => {
  const life = quiet({ preStopDelayMs: 80 });
  let drainedAt;
  life.add('a', {
    drain: () => {
      drainedAt = performance.now();
    },
  });
  const begun = performance.now();
  await life.shutdown();
  assert.ok(drainedAt - begun >= 70, `drain after ${drainedAt - begun} ms`);
});

test('add() during shutdown closes the new resource at once and reports it', async () => {
  const life = quiet();
  let lateClosed = false;
  life.add('a', {
    close: () => {
      life.add('late', {
        close: () => {
          lateClosed = true;
        },
      });
    },
  });
  const report = await life.shutdown();
  assert.equal(lateClosed, true);
  assert.equal(find(report, 'late').status, 'ok');
  assert.throws(() => life.add('after', { close() {} }), { code: 'ERR_LIFECYCLE_STATE' });
});

test('a late rejection is logged as late, never unhandled', async () => {
  const lines = [];
  const logger = { info() {}, error() {}, warn: (obj, msg) => lines.push(msg), debug() {} };
  const life = createLifecycle({ signals: false, logger, stepTimeoutMs: 20 });
  life.add('late', { close: () => new Promise((_, reject) => setTimeout(() => reject(new Error('too late')), 60)) });
  let unhandled = 0;
  const onUnhandled = () => unhandled++;
  process.on('unhandledRejection', onUnhandled);
  const report = await life.shutdown();
  assert.equal(find(report, 'late').status, 'timed-out');
  await sleep(100);
  process.off('unhandledRejection', onUnhandled);
  assert.equal(unhandled, 0);
  assert.ok(
    lines.some((line) => /step "late" \(close\) rejected late: too late/.test(line)),
    lines.join('\n'),
  );
});

test('a step that blocks past its timeout and then succeeds is reported timed-out', async () => {
  const life = quiet({ stepTimeoutMs: 20 });
  life.add('busy', {
    close: () => {
      const end = Date.now() + 60;
      while (Date.now() < end);
    },
  });
  const report = await life.shutdown();
  assert.equal(find(report, 'busy').status, 'timed-out');
});

test('closable objects: callback close(cb), end(), asyncDispose, destroy()', async () => {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const calls = [];
  const life = quiet();
  life.add('server', server);
  life.add(
    'pool',
    new (class Pool {
      end(cb) {
        calls.push('end');
        setTimeout(cb, 5);
      }
    })(),
  );
  life.add(
    'client',
    new (class Client {
      async [Symbol.asyncDispose]() {
        calls.push('dispose');
      }
      quit() {
        calls.push('quit');
      }
    })(),
  );
  life.add(
    'socket',
    new (class Socket {
      destroy() {
        calls.push('destroy');
      }
    })(),
  );
  life.add(
    'broken',
    new (class Broken {
      close(cb) {
        cb(new Error('close failed'));
      }
    })(),
  );
  // A parameter that is not a callback (bullmq's and mongodb's `close(force)`) gets no argument.
  life.add(
    'worker',
    new (class Worker {
      close(force) {
        calls.push(`close force=${force}`);
      }
    })(),
  );
  const report = await life.shutdown();
  assert.equal(server.listening, false);
  assert.deepEqual(calls.sort(), ['close force=undefined', 'destroy', 'dispose', 'end']);
  assert.equal(find(report, 'broken').status, 'failed');
  assert.equal(find(report, 'broken').error.message, 'close failed');
  for (const name of ['server', 'pool', 'client', 'socket']) assert.equal(find(report, name).status, 'ok', name);
});

test('finish hooks run after every close hook', async () => {
  const life = quiet();
  const order = [];
  life.add('pidfile', { finish: () => order.push('finish') });
  life.add('db', {
    close: async () => {
      await sleep(20);
      order.push('close');
    },
  });
  const report = await life.shutdown();
  assert.deepEqual(order, ['close', 'finish']);
  assert.equal(find(report, 'pidfile', 'finish').status, 'ok');
});

test('the report has the documented shape', async () => {
  const life = quiet({ deadlineMs: 1234 });
  life.add('a', { close() {} });
  const report = await life.shutdown(new Error('fatal'));
  assert.deepEqual(Object.keys(report).sort(), [
    'deadlineMs',
    'deadlineSource',
    'durationMs',
    'error',
    'exitCode',
    'outcome',
    'reason',
    'startedAt',
    'steps',
  ]);
  assert.deepEqual(report.deadlineSource, { source: 'option' });
  assert.equal(report.reason, 'fatal');
  assert.equal(report.outcome, 'failed');
  assert.equal(report.exitCode, 1);
  assert.equal(report.deadlineMs, 1234);
  assert.ok(!Number.isNaN(Date.parse(report.startedAt)));
  assert.deepEqual(Object.keys(report.steps[0]).sort(), [
    'durationMs',
    'kind',
    'name',
    'phase',
    'startMs',
    'status',
    'waitedFor',
  ]);
  assert.equal(report.steps[0].kind, 'other');
  assert.deepEqual(report.steps[0].waitedFor, []);
});
