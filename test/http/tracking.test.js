import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { test } from 'node:test';
import tls from 'node:tls';

import { httpServer } from 'lastcall/http';

import { listen, rawClient, selfSignedCert } from '../helpers/http.js';

const { cert, noCert } = selfSignedCert();

/** Resolves true when `client` sees its connection end within `ms`, false otherwise. */
function endsWithin(client, ms) {
  return Promise.race([client.waitForEnd().then(() => true), new Promise((resolve) => setTimeout(resolve, ms, false))]);
}

test('HTTPS: a connection mid-handshake is tracked; drain ends it and waits for it', { skip: noCert }, async () => {
  const server = https.createServer(cert, (req, res) => res.end('ok'));
  const handle = httpServer(server);
  const port = await listen(server);
  const accepted = once(server, 'connection');
  const client = rawClient(port); // TCP only: never sends a ClientHello
  await Promise.all([client.connected, accepted]);
  assert.equal(handle.sockets, 1, 'counted from the moment it is accepted');

  await handle.drain(AbortSignal.timeout(3000));
  assert.equal(handle.sockets, 0);
  assert.equal(await endsWithin(client, 2000), true, 'the server ended the connection');
  await handle.close();
  client.destroy();
});

test(
  'HTTPS: close() ends a connection mid-handshake (it carries no request: like an idle socket)',
  { skip: noCert },
  async () => {
    const server = https.createServer(cert, (req, res) => res.end('ok'));
    const handle = httpServer(server);
    const port = await listen(server);
    const accepted = once(server, 'connection');
    const client = rawClient(port);
    await Promise.all([client.connected, accepted]);
    await handle.close();
    assert.equal(handle.sockets, 0);
    assert.equal(await endsWithin(client, 2000), true, 'the connection is gone');
    client.destroy();
  },
);

test(
  'HTTP/2 with allowHTTP1: an idle HTTP/1 connection is tracked, ended by drain, and waited for',
  { skip: noCert },
  async () => {
    const server = http2.createSecureServer({ ...cert, allowHTTP1: true }, (req, res) => res.end('ok'));
    const handle = httpServer(server);
    const port = await listen(server);
    const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    await once(socket, 'secureConnect');
    assert.equal(socket.alpnProtocol, 'http/1.1');
    while (handle.sockets < 1) await new Promise((resolve) => setImmediate(resolve));
    const ended = new Promise((resolve) => socket.once('close', () => resolve(true)));
    socket.on('error', () => {});

    await handle.drain(AbortSignal.timeout(3000));
    assert.equal(handle.sockets, 0);
    const gone = await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2000, false))]);
    assert.equal(gone, true, 'the server ended the HTTP/1 connection');
    await handle.close();
    socket.destroy();
  },
);

test('a plain TCP connection that never sends a byte is counted and ended by drain', async () => {
  const app = http.createServer((req, res) => res.end('ok'));
  const handle = httpServer(app);
  const port = await listen(app);
  const accepted = once(app, 'connection');
  const client = rawClient(port);
  await Promise.all([client.connected, accepted]);
  assert.equal(handle.sockets, 1);
  await handle.drain(AbortSignal.timeout(3000));
  assert.equal(await endsWithin(client, 2000), true);
  assert.equal(client.state.reset, false, 'FIN, not RST');
  client.destroy();
});
