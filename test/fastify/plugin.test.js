import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import Fastify from 'fastify';
import { createLifecycle } from 'lastcall';
import { lastcallFastify } from 'lastcall/fastify';
import WebSocket, { WebSocketServer } from 'ws';

import { get, quietLifecycle, rawClient, waitForClosedListener } from '../helpers/http.js';

/** A Fastify app with a /slow route held until `release()`, and an onClose hook that records when it ran. */
async function slowApp(fastifyOptions = {}) {
  const app = Fastify(fastifyOptions);
  const events = [];
  let release;
  const released = new Promise((resolve) => (release = resolve));
  let arrived;
  const slowArrived = new Promise((resolve) => (arrived = resolve));
  app.get('/slow', async () => {
    arrived();
    await released;
    events.push('slow answered');
    return 'slow';
  });
  app.get('/', async () => 'fast');
  app.addHook('onClose', async () => events.push('onClose'));
  return { app, events, release, slowArrived };
}

test('lastcallFastify: in-flight and keep-alive requests during drain are answered (no 503), then onClose runs', async () => {
  const life = createLifecycle(quietLifecycle);
  const { app, events, release, slowArrived } = await slowApp({ return503OnClosing: true });
  await app.register(lastcallFastify, { lifecycle: life });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address();
  await life.start();

  const idle = rawClient(port);
  await idle.connected;
  idle.send('/');
  assert.equal((await idle.response()).body, 'fast');
  const slow = get(port, '/slow', { agent: new http.Agent({ keepAlive: true }) });
  await slowArrived;
  const done = life.shutdown('test');
  // A request on the existing keep-alive socket during drain (once the listener is closed): answered, told to close.
  await waitForClosedListener(app.server);
  idle.send('/');
  const during = await idle.response();
  assert.equal(during.status, 200);
  assert.equal(during.headers.connection, 'close');
  release();
  assert.equal((await slow).status, 200);
  const report = await done;
  assert.equal(report.outcome, 'clean');
  assert.deepEqual(
    report.steps.filter((s) => s.name === 'http').map((s) => `${s.phase}:${s.status}`),
    ['drain:ok', 'close:ok'],
  );
  assert.deepEqual(events, ['slow answered', 'onClose'], 'onClose hooks run after the last request');
  await assert.rejects(get(port, '/'), { code: 'ECONNREFUSED' });
  idle.destroy();
});

test('lastcallFastify: probes as routes follow the lifecycle', async () => {
  const life = createLifecycle(quietLifecycle);
  const app = Fastify();
  await app.register(lastcallFastify, { lifecycle: life, probes: { readiness: '/ready' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address();
  assert.equal((await get(port, '/ready')).status, 503);
  assert.equal((await get(port, '/livez')).status, 200);
  await life.start();
  assert.equal((await get(port, '/ready')).status, 200);
  assert.equal((await get(port, '/startupz')).status, 200);
  await life.shutdown();
});

test('lastcallFastify: WebSockets on the Fastify server close with 1001 during drain', async () => {
  const life = createLifecycle(quietLifecycle);
  const app = Fastify();
  const wss = new WebSocketServer({ server: app.server });
  await app.register(lastcallFastify, {
    lifecycle: life,
    http: { onUpgraded: () => wss.clients.forEach((ws) => ws.close(1001, 'server shutting down')) },
  });
  app.addHook('onClose', async () => wss.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  await life.start();
  const client = new WebSocket(`ws://127.0.0.1:${app.server.address().port}/`);
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  const closed = new Promise((resolve) => client.once('close', (code) => resolve(code)));
  const report = await life.shutdown();
  assert.equal(await closed, 1001);
  assert.equal(report.outcome, 'clean');
});

test('lastcallFastify: bad options are typed errors from register', async () => {
  const register = (options) => Fastify().register(lastcallFastify, options).ready();
  await assert.rejects(register({}), { code: 'ERR_INVALID_OPTION' });
  const life = createLifecycle(quietLifecycle);
  await assert.rejects(register({ lifecycle: life, prob: true }), { code: 'ERR_UNKNOWN_OPTION' });
  await assert.rejects(register({ lifecycle: life, dependsOn: 'db' }), { code: 'ERR_INVALID_OPTION' });
  await life.shutdown();
});
