import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { test } from 'node:test';
import tls from 'node:tls';

import express from 'express';
import { httpServer } from 'lastcall/http';
import { WebSocket, WebSocketServer } from 'ws';

import { gate, get, listen, selfSignedCert, waitForClosedListener } from '../helpers/http.js';

const { cert, noCert } = selfSignedCert();

test(
  'HTTPS: in-flight request completes with Connection: close; idle TLS socket gets FIN',
  { skip: noCert },
  async () => {
    const { handler, release, arrivals } = gate();
    const server = https.createServer(cert, handler);
    const handle = httpServer(server);
    const port = await listen(server);
    const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    const idle = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    await once(idle, 'secureConnect');
    let idleFin = false;
    let idleError;
    idle.on('end', () => (idleFin = true));
    idle.on('error', (error) => (idleError = error));
    const idleClosed = once(idle, 'close');
    const slow = new Promise((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res));
        })
        .on('error', reject);
    });
    await arrivals(1);
    while (handle.sockets < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const drain = handle.drain();
    await waitForClosedListener(server); // the drain proper: in-flight responses get Connection: close
    release();
    const res = await slow;
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers.connection, 'close');
    await drain;
    await idleClosed;
    assert.equal(idleFin, true, 'the idle TLS socket was ended');
    assert.equal(idleError, undefined);
    agent.destroy();
  },
);

test('HTTP/2: sessions get GOAWAY, the in-flight stream completes', async () => {
  const { handler, release, arrivals } = gate();
  const server = http2.createServer(handler);
  const handle = httpServer(server);
  const port = await listen(server);
  const client = http2.connect(`http://127.0.0.1:${port}`);
  client.on('error', () => {}); // the session ends when the server goes away
  const goaway = once(client, 'goaway');
  const stream = client.request({ ':path': '/slow' });
  stream.setEncoding('utf8');
  let body = '';
  stream.on('data', (chunk) => (body += chunk));
  const ended = once(stream, 'end');
  await arrivals(1);
  assert.equal(handle.sockets, 1);

  const drain = handle.drain();
  const [code] = await goaway;
  assert.equal(code, http2.constants.NGHTTP2_NO_ERROR);
  release();
  await ended;
  assert.equal(body, 'done /slow');
  await drain;
  assert.equal(handle.sockets, 0);
  client.close();
});

test('WebSocket: onUpgraded closes clients with 1001 and drain waits for them', async () => {
  const server = http.createServer((req, res) => res.end('http'));
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.send('hello'));
  const handle = httpServer(server, {
    onUpgraded: () => {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
    },
  });
  const port = await listen(server);
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  await once(ws, 'message');
  assert.equal(handle.upgraded, 1);
  assert.equal((await get(port, '/')).body, 'http', 'plain requests still work beside ws');

  const closed = once(ws, 'close');
  await handle.drain(AbortSignal.timeout(3000));
  const [code, reason] = await closed;
  assert.equal(code, 1001);
  assert.equal(reason.toString(), 'server shutting down');
  assert.equal(handle.upgraded, 0);
  await handle.close();
});

test('WebSocket without onUpgraded: close() destroys it and counts it as forced', async () => {
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.send('hi')));
  const handle = httpServer(server);
  const port = await listen(server);
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  ws.on('error', () => {});
  await once(ws, 'message');
  await handle.drain(AbortSignal.timeout(3000));
  await assert.rejects(handle.close(), { code: 'ERR_HTTP_FORCED_CLOSE', requests: 0, sockets: 1 });
  const [code] = await once(ws, 'close');
  assert.equal(code, 1006, 'abnormal closure: nothing closed it gracefully');
});

test('Express: an in-flight request finishes and the server drains', async () => {
  const app = express();
  let release;
  const released = new Promise((resolve) => (release = resolve));
  let arrived;
  const arrival = new Promise((resolve) => (arrived = resolve));
  app.get('/slow', async (req, res) => {
    arrived();
    await released;
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const handle = httpServer(server);
  const pending = get(server.address().port, '/slow', { agent: new http.Agent({ keepAlive: true }) });
  await arrival;
  const drain = handle.drain();
  await waitForClosedListener(server); // the drain proper: in-flight responses get Connection: close
  release();
  const res = await pending;
  assert.equal(res.body, '{"ok":true}');
  assert.equal(res.headers.connection, 'close');
  await drain;
  await handle.close();
});
