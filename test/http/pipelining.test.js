import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import { httpServer } from 'lastcall/http';

import { gate, keptAliveClient, listen, rawClient } from '../helpers/http.js';

const pipelined = (paths) => paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`).join('');

test('pipelined requests in flight when drain begins: all answered, counted in inFlight, close on the last', async () => {
  const { handler, release, arrivals } = gate();
  const server = http.createServer(handler);
  const handle = httpServer(server);
  const port = await listen(server);
  const client = rawClient(port);
  await client.connected;
  client.socket.write(pipelined(['/slow1', '/slow2', '/slow3']));
  await arrivals(3);
  assert.equal(handle.inFlight, 3, 'the queued responses count too');

  let drained = false;
  const drain = handle.drain().then(() => (drained = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(drained, false, 'drain waits for all three');
  release();
  const responses = [await client.response(), await client.response(), await client.response()];
  assert.deepEqual(
    responses.map((res) => res?.body),
    ['done /slow1', 'done /slow2', 'done /slow3'],
    `all answered (fin=${client.state.fin}, reset=${client.state.reset})`,
  );
  assert.deepEqual(
    responses.map((res) => res.headers.connection === 'close'),
    [false, false, true],
  );
  await drain;
  await client.waitForEnd();
  assert.equal(client.state.reset, false);
  assert.equal(handle.inFlight, 0);
  client.destroy();
});

test('pipelined requests sent on a kept-alive socket during drain: all answered, then FIN', async () => {
  const { handler, release, arrivals } = gate();
  const server = http.createServer(handler);
  const handle = httpServer(server, { reuseGraceMs: 1000 });
  const port = await listen(server);
  const client = await keptAliveClient(port);

  const drain = handle.drain();
  client.socket.write(pipelined(['/slow-a', '/slow-b', '/c']));
  await arrivals(2);
  while (handle.inFlight < 3) await new Promise((resolve) => setTimeout(resolve, 5));
  release();
  const bodies = [];
  for (let i = 0; i < 3; i++) bodies.push((await client.response())?.body);
  assert.deepEqual(bodies, ['done /slow-a', 'done /slow-b', 'done /c']);
  await drain;
  await client.waitForEnd();
  assert.equal(client.state.reset, false);
  client.destroy();
});
