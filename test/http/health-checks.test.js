import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLifecycle } from 'lastcall';
import { probes } from 'lastcall/http';
import { get, quietLifecycle } from './helpers.js';

test('readiness checks: JSON with each check, 503 when one fails, 200 when all pass', async () => {
  const life = createLifecycle(quietLifecycle);
  let cacheUp = false;
  const probe = await probes(life, {
    port: 0,
    checks: {
      readiness: {
        db: async () => {},
        cache: async () => {
          if (!cacheUp) throw new Error('cache unreachable');
        },
      },
      minIntervalMs: 0,
    },
  });
  await life.start();
  const failing = await get(probe.port, '/readyz');
  assert.equal(failing.status, 503);
  assert.match(failing.headers['content-type'], /application\/json/);
  const body = JSON.parse(failing.body);
  assert.equal(body.status, 'failing');
  assert.equal(body.checks.db.status, 'ok');
  assert.deepEqual({ status: body.checks.cache.status, error: body.checks.cache.error }, { status: 'failed', error: 'cache unreachable' });
  cacheUp = true;
  const passing = await get(probe.port, '/readyz');
  assert.equal(passing.status, 200);
  assert.equal(JSON.parse(passing.body).status, 'ok');
  assert.equal((await get(probe.port, '/livez')).body, 'ok\n', 'liveness has no checks here');
  await life.shutdown('test');
});

test('a check that hangs is timed-out after timeoutMs, and its signal aborts', async () => {
  const life = createLifecycle(quietLifecycle);
  let aborted = false;
  const probe = await probes(life, {
    port: 0,
    checks: {
      liveness: {
        stuck: (signal) => new Promise(() => signal.addEventListener('abort', () => (aborted = true))),
      },
      timeoutMs: 100,
    },
  });
  await life.start();
  const res = await get(probe.port, '/livez');
  assert.equal(res.status, 503);
  const { checks } = JSON.parse(res.body);
  assert.equal(checks.stuck.status, 'timed-out');
  assert.ok(checks.stuck.durationMs >= 90, `bounded by timeoutMs (${checks.stuck.durationMs})`);
  assert.equal(aborted, true);
  await life.shutdown('test');
});

test('a probe storm runs each check once per minIntervalMs; shutdown answers 503 without running them', async () => {
  const life = createLifecycle({ ...quietLifecycle, preStopDelayMs: 100 });
  let runs = 0;
  const probe = await probes(life, {
    port: 0,
    checks: {
      readiness: {
        db: async () => {
          runs++;
          await new Promise((resolve) => setTimeout(resolve, 30));
        },
      },
      minIntervalMs: 400,
    },
  });
  await life.start();
  const storm = await Promise.all(Array.from({ length: 20 }, () => get(probe.port, '/readyz')));
  assert.ok(storm.every((res) => res.status === 200));
  assert.equal((await get(probe.port, '/readyz')).status, 200);
  assert.equal(runs, 1, 'one run shared by the storm and reused within the interval');
  await new Promise((resolve) => setTimeout(resolve, 450));
  await get(probe.port, '/readyz');
  assert.equal(runs, 2, 'run again once the interval passed');

  let during;
  life.once('shutdown', () => {
    during = get(probe.port, '/readyz');
  });
  await new Promise((resolve) => setTimeout(resolve, 450));
  await life.shutdown('test');
  const res = await during;
  assert.equal(res.status, 503);
  assert.match(res.body, /not ready/);
  assert.equal(runs, 2, 'no check ran during shutdown');
});

test('bad checks are typed errors naming the option', async () => {
  const life = createLifecycle(quietLifecycle);
  await assert.rejects(probes(life, { port: 0, checks: { readiness: { db: 'ping' } } }), {
    code: 'ERR_INVALID_OPTION',
    option: 'checks.readiness.db',
  });
  await assert.rejects(probes(life, { port: 0, checks: { ready: {} } }), { code: 'ERR_UNKNOWN_OPTION', option: 'ready' });
  await assert.rejects(probes(life, { port: 0, checks: { timeoutMs: -1 } }), { code: 'ERR_INVALID_OPTION', option: 'checks.timeoutMs' });
  assert.throws(() => probes.handler(life, { checks: { liveness: null } }), { code: 'ERR_INVALID_OPTION' });
});
