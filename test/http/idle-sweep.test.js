import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { httpServer } from 'lastcall/http';

import { listen, rawClient } from '../helpers/http.js';

const fixture = fileURLToPath(new URL('../fixtures/http/idle-server.js', import.meta.url));

/** An http server on 127.0.0.1 under httpServer() (no reuse grace), and one raw client connected to it. */
async function servedClient(t) {
  const server = http.createServer((req, res) => res.end('ok'));
  const port = await listen(server);
  const handle = httpServer(server, { reuseGraceMs: 0 });
  const client = rawClient(port);
  t.after(() => client.destroy());
  await client.connected;
  return { server, handle, client };
}

/** `count` raw clients of `port`, each with one answered request (idle keep-alive sockets). */
async function servedClients(t, port, count) {
  const clients = Array.from({ length: count }, () => rawClient(port));
  t.after(() => clients.forEach((client) => client.destroy()));
  await Promise.all(
    clients.map(async (client) => {
      await client.connected;
      client.send('/');
      await client.response();
    }),
  );
  return clients;
}

/** Counts calls to `server[method]`, which still runs. */
function countCalls(server, method) {
  const counter = { calls: 0 };
  const original = server[method];
  server[method] = function (...args) {
    counter.calls++;
    return original.apply(this, args);
  };
  return counter;
}

// The sweep of idle sockets waited on an unref'd setImmediate, which does not keep libuv's poll
// from blocking: it ran only when something else woke the loop (the 2 s progress timer here).
test('SIGTERM with an idle socket (connected, no request) and nothing else to wake the loop: FIN and exit at once', async (t) => {
  const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  const exited = once(child, 'exit');
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const port = Number(line.split(' ')[1]);
  const idle = rawClient(port);
  t.after(() => idle.destroy());
  // No request: a response would start Node's Date-header timer, which wakes the loop within 1 s.
  await idle.connected;

  const sentAt = Date.now();
  child.kill('SIGTERM');
  await idle.waitForEnd();
  assert.equal(idle.state.fin, true);
  assert.equal(idle.state.reset, false);
  const [code] = await exited;
  assert.equal(code, 0);
  // About 50 ms when the sweep runs at once; 2 s (the progress timer) when it waits for a wake-up.
  assert.ok(Date.now() - sentAt < 1000, `exited ${Date.now() - sentAt} ms after SIGTERM`);
});

test('close() after a drain that ended every connection makes no second pass over them', async (t) => {
  const { server, handle, client: idle } = await servedClient(t);
  idle.send('/');
  assert.equal((await idle.response()).body, 'ok');
  await handle.drain();
  const closeAll = countCalls(server, 'closeAllConnections');
  await handle.close();
  assert.equal(closeAll.calls, 0);
  await idle.waitForEnd();
  assert.equal(idle.state.fin, true);
  assert.equal(server.listening, false);
});

// Destroyed sockets' close callbacks run at the end of a loop iteration (~5 µs each, 10k sockets:
// 50+ ms); the sweep runs in the timers phase so that the shutdown ends before them.
test('SIGTERM with idle sockets: the process exits without first running their close callbacks', async (t) => {
  const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit');
  const [line] = await once(lines, 'line');
  const port = Number(line.split(' ')[1]);
  const clients = await servedClients(t, port, 20);
  const closedLine = once(lines, 'line');
  child.kill('SIGTERM');
  await Promise.all(clients.map((client) => client.waitForEnd()));
  assert.ok(clients.every((client) => client.state.fin && !client.state.reset));
  assert.equal((await exited)[0], 0);
  assert.equal((await closedLine)[0], 'CLOSED 0');
});

test('a drain waiting for a request still arriving does not spin the event loop', async (t) => {
  const { server, handle, client } = await servedClient(t);
  client.socket.write('GET / HTTP/1.1\r\nHost: x\r\n'); // headers not finished: not idle
  await new Promise((resolve) => setTimeout(resolve, 50));
  const sweeps = countCalls(server, 'closeIdleConnections');
  const drained = handle.drain();
  await new Promise((resolve) => setTimeout(resolve, 300));
  // Swept once; a sweep re-armed on every loop iteration (or timer tick) runs hundreds of times.
  assert.ok(sweeps.calls <= 2, `${sweeps.calls} sweeps while waiting`);
  client.socket.write('\r\n');
  assert.equal((await client.response()).body, 'ok');
  await drained;
  await handle.close();
});

// The sweep leaves sockets that had a request to Node's closeIdleConnections; it looked at every
// socket itself as well (bytesRead, 10k sockets: ~3 ms before the exit), to find the never-used ones.
test('the idle sweep looks itself only at sockets no request arrived on', async (t) => {
  const server = http.createServer((req, res) => res.end('ok'));
  const accepted = [];
  server.on('connection', (socket) => accepted.push(socket));
  const port = await listen(server);
  const handle = httpServer(server, { reuseGraceMs: 0 });
  const served = await servedClients(t, port, 5);
  const unused = rawClient(port);
  t.after(() => unused.destroy());
  await unused.connected;
  while (accepted.length < 6) await new Promise((resolve) => setImmediate(resolve));
  const { get } = Object.getOwnPropertyDescriptor(net.Socket.prototype, 'bytesRead');
  let reads = 0;
  for (const socket of accepted.filter((s) => get.call(s) > 0)) {
    Object.defineProperty(socket, 'bytesRead', {
      get() {
        reads++;
        return get.call(this);
      },
    });
  }
  await handle.drain();
  for (const client of [...served, unused]) {
    await client.waitForEnd();
    assert.equal(client.state.fin, true);
    assert.equal(client.state.reset, false);
  }
  assert.equal(reads, 0);
  await handle.close();
});
