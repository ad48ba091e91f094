// Doctor's raw-socket load client against real servers: every way a response can end is read, and
// outcomes (ok, closing, 5xx, refused, reset) are told apart.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';

import { LoadClients } from '../../../build/modules/cli/doctor/load.js';

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${server.address().port}/`;
}

async function drive(url, ms = 300, connections = 2) {
  const load = new LoadClients(url, connections, performance.now());
  load.start();
  await new Promise((resolve) => setTimeout(resolve, ms));
  load.stop();
  return load.records;
}

const outcomes = (records) => new Set(records.map((r) => r.outcome));

test('chunked, content-length, 204 and 503 responses are read to their end, on reused sockets', async () => {
  let n = 0;
  const server = http.createServer((req, res) => {
    n++;
    if (n % 4 === 0) return res.writeHead(204).end();
    if (n % 4 === 1) return res.end('fixed');
    if (n % 4 === 2) {
      res.write('chunk-a');
      return setImmediate(() => res.end('chunk-b'));
    }
    res.writeHead(503).end('busy');
  });
  const url = await listen(server);
  const records = await drive(url);
  server.close();
  assert.ok(records.length > 20, `${records.length} requests`);
  assert.deepEqual([...outcomes(records)].sort(), ['5xx', 'ok']);
  assert.ok(records.filter((r) => r.reused).length > records.length / 2, 'keep-alive sockets are reused');
});

test('Connection: close and a body read until close end the socket; the next request opens a new one', async () => {
  const server = net.createServer((socket) => {
    socket.on('error', () => {}); // the client may reset first
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-close'));
  });
  const url = await listen(server);
  const records = await drive(url, 200, 1);
  server.close();
  assert.ok(records.length > 3);
  assert.deepEqual([...outcomes(records)], ['closing']);
  assert.ok(records.every((r) => !r.reused));
});

test('refused and reset are told apart', async () => {
  const gone = net.createServer();
  const goneUrl = await listen(gone);
  gone.close();
  assert.deepEqual([...outcomes(await drive(goneUrl, 100, 1))], ['refused']);
  const rude = net.createServer((socket) => socket.on('error', () => {}).once('data', () => socket.resetAndDestroy()));
  const rudeUrl = await listen(rude);
  const records = await drive(rudeUrl, 100, 1);
  rude.close();
  assert.deepEqual([...outcomes(records)], ['reset']);
});
