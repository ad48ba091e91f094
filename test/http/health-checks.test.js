// User health checks on the probes: real HTTP requests against probes() and probes.handler().
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';
import { probes } from 'lastcall/http';

import { get, listen, quietLifecycle } from '../helpers/http.js';

const json = async (port, path, options) => {
  const res = await get(port, path, options);
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
};

/** A check that counts its runs and records when each began. */
function counted(fn = () => {}) {
  const check = (signal) => {
    check.starts.push(performance.now());
    return fn(signal);
  };
  check.starts = [];
  return check;
}

test('readiness runs the checks: JSON with each status, 503 when one fails; probes without checks stay plain text', async () => {
  const life = createLifecycle(quietLifecycle);
  let dbDown = false;
  const probe = await probes(life, {
    port: 0,
    checkIntervalMs: 0,
    checks: {
      db: async () => {
        if (dbDown) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      cache: () => 'PONG',
    },
  });
  const before = await json(probe.port, '/readyz');
  assert.equal(before.status, 503);
  assert.deepEqual(before.json, {
    status: 'not-ready',
    probe: 'readiness',
    state: 'idle',
    reason: 'idle',
    checks: { db: { status: 'skipped' }, cache: { status: 'skipped' } },
  });
  await life.start();

  const ok = await json(probe.port, '/readyz');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(ok.headers['cache-control'], 'no-store');
  assert.equal(ok.json.status, 'ok');
  assert.equal(ok.json.state, 'running');
  assert.deepEqual(Object.keys(ok.json.checks), ['db', 'cache'], 'in the order given');
  for (const result of Object.values(ok.json.checks)) {
    assert.equal(result.status, 'ok');
    assert.equal(typeof result.durationMs, 'number');
    assert.ok(!Number.isNaN(Date.parse(result.checkedAt)));
    assert.equal(result.error, undefined);
  }

  dbDown = true;
  const failed = await json(probe.port, '/readyz');
  assert.equal(failed.status, 503);
  assert.equal(failed.json.status, 'failed');
  assert.equal(failed.json.checks.db.status, 'failed');
  assert.equal(failed.json.checks.db.error, 'connect ECONNREFUSED 127.0.0.1:5432');
  assert.equal(failed.json.checks.cache.status, 'ok');
  assert.equal((await get(probe.port, '/readyz', { method: 'HEAD' })).body, '');

  const live = await get(probe.port, '/livez');
  assert.equal(live.body, 'ok\n', 'liveness has no checks: plain text as before');
  assert.equal(live.headers['content-type'], 'text/plain; charset=utf-8');
  await life.shutdown('test');
});

test('a check returning false fails; a check times out with its signal aborted; checks run concurrently', async () => {
  const life = createLifecycle(quietLifecycle);
  let aborted;
  let bStarted;
  const bHasStarted = new Promise((resolve) => (bStarted = resolve));
  const probe = await probes(life, {
    port: 0,
    checkTimeoutMs: 2000,
    checks: {
      flag: () => false,
      // Rejects once aborted, as fetch(url, { signal }) does: no unhandled rejection follows.
      hung: {
        timeoutMs: 50,
        run: (signal) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () => {
              aborted = signal.reason;
              reject(signal.reason);
            }),
          ),
      },
      // a waits for b to begin: run one after the other, a would time out.
      a: () => bHasStarted,
      b: () => bStarted(),
    },
  });
  await life.start();
  const started = performance.now();
  const res = await json(probe.port, '/readyz');
  assert.ok(performance.now() - started < 2000, "answered at the hung check's timeout, not later");
  assert.equal(res.status, 503);
  assert.deepEqual(res.json.checks.flag.status, 'failed');
  assert.equal(res.json.checks.flag.error, 'the check returned false');
  assert.equal(res.json.checks.hung.status, 'timed-out');
  assert.equal(res.json.checks.hung.error, 'Health check "hung" timed out after 50 ms');
  assert.ok(res.json.checks.hung.durationMs >= 49);
  assert.equal(aborted.code, 'ERR_HEALTH_CHECK_TIMEOUT');
  assert.equal(aborted.check, 'hung');
  assert.equal(res.json.checks.a.status, 'ok');
  assert.equal(res.json.checks.b.status, 'ok');
  await life.shutdown('test');
});

test('a probe storm of 1,000 concurrent requests runs each check once per interval', async () => {
  const life = createLifecycle(quietLifecycle);
  const db = counted(() => new Promise((resolve) => setTimeout(resolve, 20)));
  const probe = await probes(life, { port: 0, checkIntervalMs: 60_000, checks: { db } });
  await life.start();
  const agent = new http.Agent({ maxSockets: Infinity });
  const storm = await Promise.all(Array.from({ length: 1000 }, () => json(probe.port, '/readyz', { agent })));
  assert.equal(db.starts.length, 1, 'one run for the whole storm');
  assert.ok(storm.every((res) => res.status === 200 && res.json.checks.db.status === 'ok'));
  assert.equal(new Set(storm.map((res) => res.json.checks.db.checkedAt)).size, 1, 'every answer is that run');
  agent.destroy();
  await life.shutdown('test');
});

test('with a short interval, a long storm starts the check at most once per interval', async () => {
  const life = createLifecycle(quietLifecycle);
  const intervalMs = 50;
  const db = counted();
  const probe = await probes(life, { port: 0, checkIntervalMs: intervalMs, checks: { db } });
  await life.start();
  const agent = new http.Agent({ maxSockets: Infinity, keepAlive: true });
  const began = performance.now();
  while (performance.now() - began < 400) {
    await Promise.all(Array.from({ length: 100 }, () => get(probe.port, '/readyz', { agent })));
  }
  const elapsedMs = performance.now() - began;
  assert.ok(db.starts.length >= 2, 'the check ran again once its interval passed');
  // Counted, not spaced: the check reads the clock some time after the cache does, and on a loaded
  // machine that delay differs from run to run (two runs were once 46 ms apart by the check's clock).
  assert.ok(
    db.starts.length <= Math.floor(elapsedMs / intervalMs) + 1,
    `${db.starts.length} runs in ${Math.round(elapsedMs)} ms, at most one per ${intervalMs} ms`,
  );
  agent.destroy();
  await life.shutdown('test');
});

test('requests that come while a check runs share that run (even with checkIntervalMs: 0)', async () => {
  const life = createLifecycle(quietLifecycle);
  let release;
  const db = counted(() => new Promise((resolve) => (release = resolve)));
  const probe = await probes(life, { port: 0, checkIntervalMs: 0, checks: { db } });
  await life.start();
  let arrived = 0;
  let allArrived;
  const fifty = new Promise((resolve) => (allArrived = resolve));
  probe.server.on('request', () => ++arrived === 50 && allArrived());
  const responses = Array.from({ length: 50 }, () => json(probe.port, '/readyz'));
  await fifty;
  assert.equal(db.starts.length, 1);
  release();
  const answers = await Promise.all(responses);
  assert.ok(answers.every((res) => res.status === 200));
  assert.equal(db.starts.length, 1, 'fifty requests, one run');
  const next = json(probe.port, '/readyz');
  while (db.starts.length < 2) await new Promise((resolve) => setImmediate(resolve));
  release();
  assert.equal((await next).status, 200, 'once it finished, the next request runs it again');
  await life.shutdown('test');
});

test('during shutdown and while marked not ready, readiness is 503 without running its checks', async () => {
  const life = createLifecycle({ ...quietLifecycle, preStopDelayMs: 100 });
  let release;
  let running = false;
  const db = counted(() => (running ? new Promise((resolve) => (release = resolve)) : undefined));
  const disk = counted();
  const probe = await probes(life, { port: 0, checkIntervalMs: 0, checks: { db, disk: { run: disk, probe: 'both' } } });
  await life.start();
  assert.equal((await json(probe.port, '/readyz')).status, 200);
  const runs = db.starts.length + disk.starts.length;

  life.markNotReady('database failover');
  const marked = await json(probe.port, '/readyz');
  assert.equal(marked.status, 503);
  assert.equal(marked.json.reason, 'marked not ready: database failover');
  assert.deepEqual(marked.json.checks, { db: { status: 'skipped' }, disk: { status: 'skipped' } });
  assert.equal(db.starts.length + disk.starts.length, runs, 'no check ran');
  assert.equal((await json(probe.port, '/livez')).json.checks.disk.status, 'ok', 'liveness checks still run');
  life.markReady();

  // A check still running when shutdown begins: its requests get 503 too.
  running = true;
  const pending = json(probe.port, '/readyz');
  while (release === undefined) await new Promise((resolve) => setImmediate(resolve));
  let during;
  life.once('shutdown', () => {
    during = Promise.all([json(probe.port, '/readyz'), json(probe.port, '/livez')]);
    release();
  });
  const runsAtShutdown = db.starts.length + disk.starts.length;
  await life.shutdown('test');
  const [readyz, livez] = await during;
  assert.equal(readyz.status, 503);
  assert.deepEqual(readyz.json, {
    status: 'not-ready',
    probe: 'readiness',
    state: 'draining',
    reason: 'draining',
    checks: { db: { status: 'skipped' }, disk: { status: 'skipped' } },
  });
  assert.equal(livez.status, 200, 'liveness holds during drain');
  assert.equal(livez.json.checks.disk.status, 'skipped');
  assert.equal(db.starts.length + disk.starts.length, runsAtShutdown, 'no check started during shutdown');
  const late = await pending;
  assert.equal(late.status, 503);
  assert.equal(late.json.status, 'not-ready');
  assert.equal(late.json.checks.db.status, 'ok', 'the run it waited for is reported');
});

test('a liveness check answers on /livez; a check for both probes runs once per interval for both', async () => {
  const life = createLifecycle(quietLifecycle);
  const loop = counted();
  const shared = counted();
  const probe = await probes(life, {
    port: 0,
    checkIntervalMs: 60_000,
    checks: { loop: { run: loop, probe: 'liveness' }, shared: { run: shared, probe: 'both' } },
  });
  await life.start();
  const livez = await json(probe.port, '/livez');
  const readyz = await json(probe.port, '/readyz');
  assert.deepEqual(Object.keys(livez.json.checks), ['loop', 'shared']);
  assert.deepEqual(Object.keys(readyz.json.checks), ['shared']);
  assert.equal(livez.json.probe, 'liveness');
  assert.equal(shared.starts.length, 1);
  assert.equal(loop.starts.length, 1);
  await life.shutdown('test');
});

test('probes.handler(life, { checks }) on the app server', async () => {
  const life = createLifecycle(quietLifecycle);
  const handle = probes.handler(life, { checks: { db: async () => {} } });
  const server = http.createServer((req, res) => {
    if (!handle(req, res)) res.end('app');
  });
  const port = await listen(server);
  await life.start();
  const res = await json(port, '/readyz');
  assert.equal(res.status, 200);
  assert.equal(res.json.checks.db.status, 'ok');
  assert.equal((await get(port, '/hello')).body, 'app');
  await life.shutdown('test');
  server.close();
});

test('every check option is validated with a typed error naming it', async () => {
  const life = createLifecycle(quietLifecycle);
  const bad = [
    [{ checks: [] }, 'checks'],
    [{ checks: null }, 'checks'],
    [{ checks: { db: 'select 1' } }, 'checks.db'],
    [{ checks: { '': () => {} } }, 'checks.'],
    [{ checks: { db: { timeoutMs: 5 } } }, 'checks.db.run'],
    [{ checks: { db: { run: () => {}, timeoutMs: 0 } } }, 'checks.db.timeoutMs'],
    [{ checks: { db: { run: () => {}, timeoutMs: Infinity } } }, 'checks.db.timeoutMs'],
    [{ checks: { db: { run: () => {}, probe: 'startup' } } }, 'checks.db.probe'],
    [{ checkTimeoutMs: '1s' }, 'checkTimeoutMs'],
    [{ checkTimeoutMs: -1 }, 'checkTimeoutMs'],
    [{ checkIntervalMs: Infinity }, 'checkIntervalMs'],
    [{ checkIntervalMs: -5 }, 'checkIntervalMs'],
  ];
  for (const [options, option] of bad) {
    assert.throws(() => probes.handler(life, options), { code: 'ERR_INVALID_OPTION', option }, JSON.stringify(options));
    await assert.rejects(probes(life, { port: 0, ...options }), { code: 'ERR_INVALID_OPTION', option });
  }
  assert.throws(() => probes.handler(life, { checks: { db: { run() {}, timeout: 5 } } }), {
    code: 'ERR_UNKNOWN_OPTION',
    option: 'timeout',
  });
  assert.throws(
    () => probes.handler(life, { checkTimeoutMs: '1s' }),
    /Expected "checkTimeoutMs" to be a finite number > 0, got "1s" \(string\)/,
  );
  assert.throws(() => probes.handler(life, { check: {} }), { code: 'ERR_UNKNOWN_OPTION', option: 'check' });
  // Nothing was added to the lifecycle by the failed calls: the step name is still free.
  const probe = await probes(life, { port: 0, checks: { db: () => {} } });
  await probe.close();
});
