import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import { httpServer } from 'lastcall/http';

import { gate, keptAliveClient, listen } from '../helpers/http.js';

test('Expect: 100-continue with an app checkContinue listener: Connection: close, and drain ends', async () => {
  const { handler, release, arrivals } = gate();
  const server = http.createServer(handler);
  server.keepAliveTimeout = 30_000; // only drain may end the socket
  server.on('checkContinue', (req, res) => {
    res.writeContinue();
    req.resume();
    req.on('end', () => handler(req, res));
  });
  const handle = httpServer(server, { reuseGraceMs: 1000 });
  const port = await listen(server);
  const client = await keptAliveClient(port);

  const drain = handle.drain(AbortSignal.timeout(4000));
  client.socket.write(
    'POST /slow-upload HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n',
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  client.socket.write('hi');
  await arrivals(1);
  assert.equal(handle.inFlight, 1);
  release();
  await client.waitForEnd();
  assert.match(client.state.buffer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
  assert.match(client.state.buffer, /\r\nConnection: close\r\n/i, client.state.buffer);
  await drain; // rejects with ERR_ABORTED if the socket outlived the drain
  assert.equal(client.state.reset, false);
  client.destroy();
});

// Issue 20 item 14: a request Node handed to the app during drain is answered before its socket
// closes, whether Node sent the 100 itself or the app's checkContinue listener did, and whether
// the client waits for the 100 before sending its body.
for (const mode of ['node sends the 100', 'app checkContinue listener']) {
  test(`Expect: 100-continue on a kept-alive socket during drain, body after the 100 (${mode}): answered`, async () => {
    const { handler, release, arrivals } = gate();
    const onBody = (req, res) => {
      req.resume();
      req.on('end', () => handler(req, res));
    };
    const server = http.createServer(onBody);
    server.keepAliveTimeout = 30_000;
    if (mode === 'app checkContinue listener') {
      server.on('checkContinue', (req, res) => setTimeout(() => (res.writeContinue(), onBody(req, res)), 20));
    }
    const handle = httpServer(server, { reuseGraceMs: 200 });
    const port = await listen(server);
    const client = await keptAliveClient(port);
    const drain = handle.drain(AbortSignal.timeout(4000));
    client.socket.write(
      'POST /slow-upload HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n',
    );
    while (!client.state.buffer.includes('100 Continue')) {
      assert.equal(client.state.closed || client.state.fin, false, 'socket ended before the 100');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    client.socket.write('hi');
    await arrivals(1);
    release();
    await client.waitForEnd();
    assert.match(client.state.buffer, /HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    await drain;
    assert.equal(client.state.reset, false);
    client.destroy();
  });
}
