// A raw server is a server: `life.add('http', server)` (or a Fastify instance) gets httpServer()'s
// drain: in-flight requests answered, idle keep-alive sockets ended, WebSockets closed with 1001;
// and the report counts what was answered, 5xx and cut once the drain began.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { test } from 'node:test';

import Fastify from 'fastify';
import { createLifecycle } from 'lastcall';
import { WebSocket, WebSocketServer } from 'ws';

import { gate, get, keptAliveClient, listen } from '../helpers/http.js';

const logged = (options = {}) => {
  const lines = [];
  const log = (level) => (obj, msg) => lines.push(`${level} ${msg}`);
  const life = createLifecycle({
    signals: false,
    exit: false,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    ...options,
  });
  return { life, lines };
};
const step = (report, name, phase = 'close') => report.steps.find((s) => s.name === name && s.phase === phase);

test('raw http.Server: slow requests in flight are answered, idle keep-alive sockets ended, long before the deadline', async () => {
  const { handler, release, arrivals } = gate();
  const server = http.createServer(handler);
  const { life } = logged({ deadlineMs: 20_000 });
  life.add('http', server); // raw: no httpServer()
  const port = await listen(server);
  const idle = await Promise.all([1, 2, 3].map(() => keptAliveClient(port)));
  const slow = [1, 2, 3, 4, 5].map((i) => get(port, `/slow/${i}`));
  await arrivals(5);
  const started = Date.now();
  const shutdown = life.shutdown('test');
  // The idle keep-alive sockets are ended while the slow requests still run (FIN, not a reset).
  await Promise.all(idle.map((client) => client.waitForEnd()));
  for (const client of idle) assert.equal(client.state.reset, false);
  release();
  const answers = await Promise.all(slow);
  assert.deepEqual(
    answers.map((a) => a.status),
    [200, 200, 200, 200, 200],
  );
  for (const a of answers) assert.equal(a.headers.connection, 'close');
  const report = await shutdown;
  assert.equal(report.outcome, 'clean', JSON.stringify(report.steps));
  assert.ok(Date.now() - started < 10_000, 'not held until the deadline by keep-alive sockets');
  assert.deepEqual(step(report, 'http').requests, { answered: 5, serverErrors: 0, lost: 0, cut: 0 });
});

test('raw server with a ws WebSocketServer: clients get 1001 and the shutdown does not wait for the deadline', async () => {
  const server = http.createServer((req, res) => res.end('ok'));
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
  const { life } = logged({ deadlineMs: 20_000 });
  life.add('http', server);
  const port = await listen(server);
  const clients = [1, 2].map(() => new WebSocket(`ws://127.0.0.1:${port}`));
  await Promise.all(clients.map((ws) => once(ws, 'open')));
  const closes = clients.map((ws) => once(ws, 'close'));
  const started = Date.now();
  const report = await life.shutdown('test');
  const codes = (await Promise.all(closes)).map(([code]) => code);
  assert.deepEqual(codes, [1001, 1001]);
  assert.equal(report.outcome, 'clean', JSON.stringify(report.steps));
  assert.ok(Date.now() - started < 10_000);
});

test('Fastify instance with WebSocket clients: closed with 1001, onClose hooks run, the steps after it run', async () => {
  const app = Fastify();
  const order = [];
  app.addHook('onClose', async () => order.push('fastify onClose'));
  app.get('/', async () => 'ok');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const wss = new WebSocketServer({ server: app.server });
  wss.on('connection', () => {});
  const { port } = app.server.address();
  const { life } = logged({ deadlineMs: 20_000 });
  life.add('http', app);
  life.add('db', { close: () => order.push('db closed') }, { kind: 'client' });
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  await once(ws, 'open');
  const closed = once(ws, 'close');
  const started = Date.now();
  const report = await life.shutdown('test');
  assert.equal((await closed)[0], 1001);
  assert.equal(report.outcome, 'clean', JSON.stringify(report.steps));
  assert.deepEqual(order, ['fastify onClose', 'db closed']);
  assert.deepEqual(step(report, 'db').waitedFor, ['http']);
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
});

test('5xx answered during the drain: counted, the step failed (not clean), one warning naming the steps closed by then', async () => {
  const { handler, release, arrivals } = gate();
  let dbOpen = true;
  const server = http.createServer((req, res) => {
    // /slow/probe stands for a readiness probe: 503 during shutdown on purpose.
    const status = () => (req.url === '/slow/probe' ? 503 : dbOpen ? 200 : 500);
    handler(req, { end: (body) => ((res.statusCode = status()), res.end(body)) });
  });
  const { life, lines } = logged({ deadlineMs: 20_000 });
  life.add('http', server);
  // Closed too early on purpose, in its drain hook: under the running requests. (dependsOn alone
  // cannot do it: every drain, the server's included, ends before the first close.)
  life.add('db', { drain: () => ((dbOpen = false), release()) }, { kind: 'client' });
  const port = await listen(server);
  const slow = [1, 2, 3].map((i) => get(port, `/slow/${i}`));
  const probe = get(port, '/slow/probe');
  await arrivals(4);
  const report = await life.shutdown('test');
  assert.deepEqual(
    (await Promise.all(slow)).map((a) => a.status),
    [500, 500, 500],
  );
  assert.equal((await probe).status, 503);
  const http1 = step(report, 'http');
  assert.deepEqual(http1.requests.cut, 0);
  assert.equal(http1.requests.lost, 3);
  assert.equal(http1.requests.serverErrors, 4, '503 is counted as a 5xx, not as lost');
  assert.equal(http1.status, 'failed');
  assert.equal(http1.error.code, 'ERR_REQUESTS_LOST');
  assert.equal(report.outcome, 'failed');
  assert.equal(report.exitCode, 1);
  const warning = lines.filter((line) => /answered .* during shutdown/.test(line));
  assert.equal(warning.length, 1, lines.join('\n'));
  assert.match(
    warning[0],
    /^warn http: 4 requests answered 5xx during shutdown, after db \(client\) (?:drained|began draining) at \+\d+ ms$/,
  );
  assert.match(lines.at(-1), /http \(close\) failed/, 'the summary names the step');
});

test('a request cut at the deadline is counted as cut and names the step', async () => {
  const server = http.createServer(() => {}); // never answers
  const { life } = logged({ deadlineMs: 800, stepTimeoutMs: 0 });
  life.add('http', server);
  const port = await listen(server);
  const hung = get(port, '/hang').catch((error) => error.code);
  await new Promise((resolve) => server.once('request', resolve));
  const report = await life.shutdown('test');
  assert.equal(await hung, 'ECONNRESET');
  assert.equal(step(report, 'http').requests.cut, 1);
  assert.notEqual(report.outcome, 'clean');
});

test('CommonJS build: require("lastcall") drains a raw server too (lastcall/http loaded by the core on demand)', async () => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { createLifecycle: createCjs } = require('lastcall');
  const { handler, release, arrivals } = gate();
  const server = http.createServer(handler);
  const life = createCjs({ signals: false, exit: false, logger: false, deadlineMs: 20_000 });
  life.add('http', server);
  const port = await listen(server);
  const idle = await keptAliveClient(port);
  const slow = get(port, '/slow/cjs');
  await arrivals(1);
  const shutdown = life.shutdown('test');
  await idle.waitForEnd();
  release();
  assert.equal((await slow).status, 200);
  const report = await shutdown;
  assert.equal(report.outcome, 'clean');
  assert.equal(step(report, 'http', 'drain').kind, 'server');
  assert.equal(step(report, 'http').requests.answered, 1);
});
