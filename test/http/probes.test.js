import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import express from 'express';
import { createLifecycle } from 'lastcall';
import { probes } from 'lastcall/http';

import { get, listen, quietLifecycle } from '../helpers/http.js';

test('startup and readiness follow the lifecycle; liveness is always 200', async () => {
  const life = createLifecycle({ ...quietLifecycle, preStopDelayMs: 100 });
  let release;
  life.add('slow-start', { start: () => new Promise((resolve) => (release = resolve)) });
  const probe = await probes(life, { port: 0 });
  assert.equal(probe.host, '127.0.0.1');
  assert.equal(probe.server.address().address, '127.0.0.1', 'loopback by default');
  const status = async (path) => (await get(probe.port, path)).status;

  assert.deepEqual([await status('/livez'), await status('/readyz'), await status('/startupz')], [200, 503, 503]);
  const started = life.start();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(life.state, 'starting');
  assert.deepEqual([await status('/livez'), await status('/readyz'), await status('/startupz')], [200, 503, 503]);
  release();
  await started;
  assert.deepEqual([await status('/livez'), await status('/readyz'), await status('/startupz')], [200, 200, 200]);
  const readyz = await get(probe.port, '/readyz?verbose=1');
  assert.equal(readyz.body, 'ready\n');
  assert.equal((await get(probe.port, '/other')).status, 404);
  const head = await get(probe.port, '/livez', { method: 'HEAD' });
  assert.equal(head.body, '');

  let duringShutdown;
  life.once('shutdown', () => {
    duringShutdown = get(probe.port, '/readyz');
  });
  await life.shutdown('test');
  const res = await duringShutdown;
  assert.equal(res.status, 503);
  assert.match(res.body, /not ready \(draining\)/);
  await assert.rejects(get(probe.port, '/livez'), { code: 'ECONNREFUSED' });
});

test('custom paths, and probes.handler as Express middleware on the app server', async () => {
  const life = createLifecycle(quietLifecycle);
  const app = express();
  app.use(probes.handler(life, { paths: { liveness: '/health/live', readiness: '/health/ready' } }));
  app.get('/hello', (req, res) => res.send('hello'));
  const server = http.createServer(app);
  const port = await listen(server);
  await life.start();
  assert.equal((await get(port, '/health/live')).status, 200);
  assert.equal((await get(port, '/health/ready')).status, 200);
  assert.equal((await get(port, '/startupz')).status, 200, 'unchanged paths keep their defaults');
  assert.equal((await get(port, '/hello')).body, 'hello', 'other paths fall through to the app');
  assert.equal((await get(port, '/livez')).status, 404, 'the old liveness path is gone');
  await life.shutdown('test');
  assert.equal((await get(port, '/health/ready')).status, 503);
  server.close();
});

test('probes() rejects bad input with typed errors', async () => {
  const life = createLifecycle(quietLifecycle);
  await assert.rejects(probes({}, { port: 0 }), { code: 'ERR_INVALID_OPTION', option: 'life' });
  await assert.rejects(probes(life, {}), { code: 'ERR_INVALID_OPTION', option: 'port' });
  await assert.rejects(
    probes(life, { port: '9000' }),
    /Expected "port" to be an integer from 0 to 65535, got "9000" \(string\)/,
  );
  for (const port of [70000, 65536, -1, 1.5, NaN, Infinity]) {
    await assert.rejects(probes(life, { port }), {
      code: 'ERR_INVALID_OPTION',
      name: 'InvalidOptionError',
      option: 'port',
    });
  }
  await assert.rejects(probes(life, { port: 0, hots: 'x' }), { code: 'ERR_UNKNOWN_OPTION', option: 'hots' });
  await assert.rejects(probes(life, { port: 0, paths: { ready: '/r' } }), { code: 'ERR_UNKNOWN_OPTION' });
  await assert.rejects(probes(life, { port: 0, paths: { readiness: 'readyz' } }), { option: 'paths.readiness' });
  assert.throws(() => probes.handler(null), { code: 'ERR_INVALID_OPTION', option: 'life' });

  const first = await probes(life, { port: 0 });
  await assert.rejects(probes(life, { port: first.port }), { code: 'EADDRINUSE' });
  await assert.rejects(probes(life, { port: 0 }), { code: 'ERR_DUPLICATE_STEP' }, 'the step name is taken');
  const second = await probes(life, { port: 0, name: 'probes-2' });
  await first.close();
  assert.equal(first.close(), first.close(), 'close is idempotent');
  await second[Symbol.asyncDispose]();
});
