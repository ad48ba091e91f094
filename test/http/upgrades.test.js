import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';
import { httpServer } from 'lastcall/http';
import { WebSocket, WebSocketServer } from 'ws';

import { gate, get, listen, quietLifecycle, waitForClosedListener } from '../helpers/http.js';
import { assertGuard } from '../helpers/timing.js';

const closeAll = (wss) => () => {
  for (const ws of wss.clients) ws.close(1001, 'server shutting down');
};

test('an Upgrade that arrives during drain is refused with 503 and does not hold the drain', async () => {
  const { handler, release, arrivals } = gate();
  const server = http.createServer(handler);
  const wss = new WebSocketServer({ server });
  let upgradedDuringDrain = 0;
  wss.on('connection', () => upgradedDuringDrain++);
  const handle = httpServer(server, { onUpgraded: closeAll(wss), reuseGraceMs: 1000 });
  const port = await listen(server);
  // One kept-alive socket in the agent: the WebSocket handshake will go out on it during drain.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  assert.equal((await get(port, '/first', { agent })).status, 200);
  const slow = get(port, '/slow');
  await arrivals(1);

  const started = Date.now();
  const drain = handle.drain(AbortSignal.timeout(4000));
  await waitForClosedListener(server); // upgrades are refused from here on
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { agent });
  const [, response] = await once(ws, 'unexpected-response');
  assert.equal(response.statusCode, 503);
  assert.equal(response.headers.connection, 'close');
  ws.on('error', () => {});
  response.resume();
  assert.equal(upgradedDuringDrain, 0, 'the app never upgraded it');
  release();
  assert.equal((await slow).status, 200);
  await drain;
  assert.ok(Date.now() - started < 3000, 'drained without waiting for a timeout');
  assert.equal(handle.sockets, 0);
  await handle.close();
  agent.destroy();
});

test('an upgraded client that never answers the close frame is destroyed after upgradedGraceMs; the shutdown is clean', async () => {
  const server = http.createServer((req, res) => res.end('http'));
  const wss = new WebSocketServer({ server });
  const life = createLifecycle({ ...quietLifecycle, deadlineMs: 10_000 });
  const handle = httpServer(server, { onUpgraded: closeAll(wss), upgradedGraceMs: 300 });
  life.add('http', handle);
  const port = await listen(server);
  await life.start();

  const alive = new WebSocket(`ws://127.0.0.1:${port}`);
  const dead = new WebSocket(`ws://127.0.0.1:${port}`);
  dead.on('error', () => {});
  await Promise.all([once(alive, 'open'), once(dead, 'open')]);
  dead._socket.pause(); // a dead client: never reads the close frame, never answers it
  while (handle.upgraded < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  const aliveClosed = once(alive, 'close');

  const started = Date.now();
  const report = await life.shutdown('test');
  const elapsed = Date.now() - started;
  assert.equal(report.outcome, 'clean', JSON.stringify(report.steps));
  assert.equal(report.exitCode, 0);
  assert.ok(elapsed >= 250, `waited for the grace (${elapsed} ms)`);
  assertGuard(elapsed, 300, 'bounded by the grace, not the 10 s deadline');
  assert.equal(handle.upgradedDestroyed, 1, 'the dead client was destroyed and counted');
  assert.equal((await aliveClosed)[0], 1001, 'the live client closed gracefully');
  assert.equal(handle.sockets, 0);
  dead.terminate();
});

test('upgradedGraceMs is validated', () => {
  assert.throws(() => httpServer(http.createServer(), { upgradedGraceMs: -1 }), {
    code: 'ERR_INVALID_OPTION',
    option: 'upgradedGraceMs',
  });
});
