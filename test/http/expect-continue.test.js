import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import { httpServer } from 'lastcall/http';

import { gate, keptAliveClient, listen, waitForClosedListener } from '../helpers/http.js';

const upload = (expect, length) =>
  `POST /slow-upload HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: ${expect}\r\nContent-Length: ${length}\r\n\r\n`;

// Issue 20 item 14. Node emits 'checkContinue' / 'checkExpectation' instead of 'request' while the
// app listens to them: a request sent once drain is under way (listener closed) reaches the tracker
// only through them, and is answered with `Connection: close` only if it is tracked.
for (const [event, expect] of [
  ['checkContinue', '100-continue'],
  ['checkExpectation', 'x-custom'],
]) {
  test(`a request delivered by '${event}' during drain is tracked: in flight, answered with Connection: close`, async () => {
    const { handler, release, arrivals } = gate();
    const server = http.createServer(handler);
    server.keepAliveTimeout = 30_000; // only drain may end the socket
    server.on(event, (req, res) => {
      if (event === 'checkContinue') res.writeContinue();
      req.resume();
      req.on('end', () => handler(req, res));
    });
    const handle = httpServer(server, { reuseGraceMs: 2000 });
    const port = await listen(server);
    const client = await keptAliveClient(port);

    const drain = handle.drain(AbortSignal.timeout(5000));
    await waitForClosedListener(server); // the drain proper has begun: only the tracker's listener sees this one
    client.socket.write(upload(expect, 2));
    client.socket.write('hi');
    await arrivals(1);
    assert.equal(handle.inFlight, 1);
    release();
    const responses = [await client.response()];
    if (event === 'checkContinue') responses.push(await client.response());
    assert.deepEqual(
      responses.map((res) => res?.status),
      event === 'checkContinue' ? [100, 200] : [200],
    );
    assert.equal(responses.at(-1).headers.connection, 'close', 'the last response on the socket says so');
    await drain; // rejects with ERR_ABORTED if the socket outlived the drain
    await client.waitForEnd();
    assert.equal(client.state.reset, false);
    client.destroy();
  });
}

// A request answered before its body arrived (a refusal after `Expect: 100-continue`, an early
// reply) leaves Node's parser mid-message: closeIdleConnections skips that socket, so the idle
// sweep cannot end it. Drain must look again when the body ends, not wait for its deadline.
for (const when of ['answered before drain', 'answer finished during drain']) {
  test(`a request ${when}, its body still arriving after the idle sweep: drain ends once the body is in`, async () => {
    const { release, arrivals, handler } = gate();
    const server = http.createServer((req, res) => {
      if (req.method !== 'POST') return handler(req, res);
      if (when === 'answered before drain') return res.end('early'); // the body is left to Node
      res.write('early');
      handler({ url: '/slow' }, { end: () => res.end() });
    });
    server.keepAliveTimeout = 30_000;
    const handle = httpServer(server, { reuseGraceMs: 0 });
    const port = await listen(server);
    const client = await keptAliveClient(port);
    const witness = await keptAliveClient(port); // an idle socket: its FIN says the sweep ran

    client.socket.write(upload('100-continue', 5));
    if (when === 'answered before drain') {
      while (!client.state.buffer.includes('early')) await new Promise((resolve) => setTimeout(resolve, 2));
    } else await arrivals(1);
    const drain = handle.drain(AbortSignal.timeout(5000));
    release();
    await witness.waitForEnd();
    assert.equal(client.state.fin || client.state.closed, false, 'the socket is not idle: its body is due');
    client.socket.write('hello');
    await drain; // before the fix: ERR_ABORTED, the socket was never looked at again
    await client.waitForEnd();
    assert.match(client.state.buffer, /early/);
    assert.equal(client.state.reset, false);
    client.destroy();
    witness.destroy();
  });
}

// The same refusal during drain: its response carries `Connection: close`, and Node closes the socket
// at once while the body is still coming: the client's next bytes get RST, and a client that sends its
// whole body before reading (python's http.client) never sees the 413. The socket must stay open
// until the body is in.
test('an upload refused during drain before its body arrived: the client sends it all, reads the 413, no reset', async () => {
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') return res.end('ok');
    res.statusCode = 413;
    res.end('too big'); // the body is left to Node, which reads and drops it
  });
  server.keepAliveTimeout = 30_000;
  const handle = httpServer(server, { reuseGraceMs: 2000 });
  const port = await listen(server);
  const client = await keptAliveClient(port);
  const drain = handle.drain(AbortSignal.timeout(5000));
  await waitForClosedListener(server);
  const size = 8 * 1024 * 1024; // more than loopback's socket buffers hold
  const sent = new Promise((resolve) =>
    client.socket.write(upload('100-continue', size) + 'a'.repeat(size), (error) => resolve(error?.code ?? 'sent')),
  );
  assert.equal(await sent, 'sent', 'the whole body was sent without a reset');
  assert.deepEqual([(await client.response())?.status, (await client.response())?.status], [100, 413]);
  await drain;
  await client.waitForEnd();
  assert.equal(client.state.reset, false);
  client.destroy();
});
