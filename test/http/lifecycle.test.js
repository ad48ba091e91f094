import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';
import { httpServer, probes } from 'lastcall/http';

import { gate, get, listen, quietLifecycle, rawClient } from '../helpers/http.js';

test('readiness flips before the listener closes; liveness stays up through drain', async () => {
  const life = createLifecycle({ ...quietLifecycle, preStopDelayMs: 300 });
  const probe = await probes(life, { port: 0 });
  const { handler, release, arrivals } = gate();
  const server = http.createServer(handler);
  life.add('http', httpServer(server));
  const port = await listen(server);
  await life.start();
  assert.equal((await get(probe.port, '/readyz')).status, 200);

  const slow = get(port, '/slow', { agent: new http.Agent({ keepAlive: true }) });
  await arrivals(1);
  const shutdownEvent = once(life, 'shutdown');
  const shutdown = life.shutdown('test');
  await shutdownEvent;
  assert.equal((await get(probe.port, '/readyz')).status, 503, 'not ready as soon as shutdown begins');
  assert.equal(server.listening, true, 'still listening during the pre-stop delay');
  const during = await get(port, '/during-pre-stop');
  assert.equal(during.status, 200, 'requests are still served during the pre-stop delay');

  while (server.listening) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal((await get(probe.port, '/livez')).status, 200, 'alive while draining');
  assert.equal((await get(probe.port, '/startupz')).status, 200);
  release();
  assert.equal((await slow).status, 200);
  const report = await shutdown;
  assert.equal(report.outcome, 'clean', JSON.stringify(report.steps));
  const names = report.steps.map((step) => `${step.name}:${step.phase}:${step.status}`);
  assert.ok(names.includes('http:drain:ok'), names.join());
  assert.ok(names.includes('http:close:ok'), names.join());
  assert.ok(names.includes('probes:finish:ok'), names.join());
  await assert.rejects(get(probe.port, '/livez'), { code: 'ECONNREFUSED' }, 'probe server closed last');
});

test('a request that outlives the drain timeout is forced, and the report says how many', async () => {
  const life = createLifecycle({ ...quietLifecycle, drainTimeoutMs: 150, deadlineMs: 3000 });
  const server = http.createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    res.end('ok');
  });
  life.add('http', httpServer(server));
  const port = await listen(server);
  await life.start();
  const idle = rawClient(port);
  const hung = rawClient(port);
  await Promise.all([idle.connected, hung.connected]);
  idle.send('/');
  await idle.response();
  hung.send('/hang');
  await new Promise((resolve) => setTimeout(resolve, 30));

  const started = Date.now();
  const report = await life.shutdown('test');
  assert.ok(Date.now() - started < 2500, 'bounded by the drain timeout, not the hung request');
  const drain = report.steps.find((step) => step.name === 'http' && step.phase === 'drain');
  const close = report.steps.find((step) => step.name === 'http' && step.phase === 'close');
  assert.equal(drain.status, 'timed-out');
  // The bound that cut it is drainTimeoutMs, not the 3000 ms shutdown deadline.
  assert.equal(drain.error.code, 'ERR_PHASE_TIMEOUT');
  assert.equal(drain.error.option, 'drainTimeoutMs');
  assert.equal(drain.error.message, 'Step "http" (drain) did not finish within drainTimeoutMs (150 ms)');
  assert.equal(close.status, 'failed');
  assert.equal(close.error.code, 'ERR_HTTP_FORCED_CLOSE');
  assert.equal(close.error.requests, 1);
  assert.equal(close.error.sockets, 1);
  assert.equal(report.exitCode, 1);
  await Promise.all([idle.waitForEnd(), hung.waitForEnd()]);
  assert.equal(idle.state.reset, false, 'the idle socket got FIN');
  idle.destroy();
  hung.destroy();
});
