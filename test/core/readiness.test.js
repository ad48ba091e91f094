// Readiness under the service's control: life.markNotReady() / life.markReady().
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';

import { channelNames, createLifecycle } from 'lastcall';
import { probes } from 'lastcall/http';

import { startFixture } from '../helpers/fixture.js';
import { get, quietLifecycle } from '../helpers/http.js';

test('markNotReady turns life.ready and /readyz off without shutting down; markReady turns them back on', async () => {
  const life = createLifecycle(quietLifecycle);
  const probe = await probes(life, { port: 0 });
  const events = [];
  const published = [];
  const onMessage = (message) => published.push(message);
  diagnostics.subscribe(channelNames.readiness, onMessage);
  life.on('readiness', (info) => events.push(info));
  await life.start();
  assert.equal((await get(probe.port, '/readyz')).status, 200);

  assert.equal(life.markNotReady('database lost'), life, 'chainable');
  assert.equal(life.ready, false);
  assert.equal(life.state, 'running', 'still running: not a shutdown');
  assert.equal(life.signal.aborted, false);
  assert.equal(life.notReadyReason, 'database lost');
  const down = await get(probe.port, '/readyz');
  assert.equal(down.status, 503);
  assert.equal(down.body, 'not ready (marked not ready: database lost)\n');
  assert.equal((await get(probe.port, '/livez')).status, 200, 'liveness is not readiness');
  life.markNotReady('database lost');
  life.markNotReady('database still lost');
  assert.equal(life.notReadyReason, 'database still lost', 'a new reason replaces the old one');

  life.markReady();
  life.markReady();
  assert.equal(life.ready, true);
  assert.equal(life.notReadyReason, undefined);
  assert.equal((await get(probe.port, '/readyz')).status, 200);
  const expected = [
    { ready: false, reason: 'database lost' },
    { ready: false, reason: 'database still lost' },
    { ready: true },
  ];
  assert.deepEqual(events, expected, 'one event per change, none for repeats');
  assert.deepEqual(published, expected, 'the same on the lastcall:readiness channel');
  diagnostics.unsubscribe(channelNames.readiness, onMessage);
  await life.shutdown('test');
});

test('marked before start(): start completes but readiness waits for markReady()', async () => {
  const life = createLifecycle(quietLifecycle);
  const probe = await probes(life, { port: 0 });
  life.markNotReady();
  assert.equal(life.notReadyReason, 'marked not ready', 'the default reason');
  await life.start();
  assert.equal(life.state, 'running');
  assert.equal(life.ready, false);
  assert.equal((await get(probe.port, '/readyz')).body, 'not ready (marked not ready: marked not ready)\n');
  assert.equal((await get(probe.port, '/startupz')).status, 200, 'startup is done all the same');
  life.markReady();
  assert.equal((await get(probe.port, '/readyz')).status, 200);
  await life.shutdown('test');
});

test('shutdown while marked not ready runs normally; markReady after it began throws ERR_LIFECYCLE_STATE', async () => {
  const life = createLifecycle({ ...quietLifecycle, preStopDelayMs: 100 });
  const probe = await probes(life, { port: 0 });
  const closed = [];
  life.add('db', { close: () => closed.push('db') });
  await life.start();
  life.markNotReady('database lost');
  let during;
  life.once('shutdown', () => {
    assert.throws(() => life.markReady(), { code: 'ERR_LIFECYCLE_STATE', operation: 'mark ready', state: 'draining' });
    life.markNotReady('again');
    during = get(probe.port, '/readyz');
  });
  const report = await life.shutdown('test');
  assert.equal(report.outcome, 'clean');
  assert.deepEqual(closed, ['db']);
  const res = await during;
  assert.equal(res.status, 503);
  assert.equal(res.body, 'not ready (draining)\n', 'the shutdown is the reason now');
  assert.throws(() => life.markReady(), { code: 'ERR_LIFECYCLE_STATE', state: 'closed' });
  assert.equal(life.ready, false);
});

test('markNotReady rejects a reason that is not a non-empty string, and changes nothing', async () => {
  const life = createLifecycle(quietLifecycle);
  await life.start();
  for (const bad of [42, '', null, { reason: 'x' }]) {
    assert.throws(() => life.markNotReady(bad), { code: 'ERR_INVALID_OPTION', option: 'reason' });
  }
  assert.throws(() => life.markNotReady(42), /Expected "reason" to be a non-empty string, got 42 \(number\)/);
  assert.equal(life.ready, true);
  assert.equal(life.notReadyReason, undefined);
  await life.shutdown('test');
});

test('a real service marks itself not ready while its database is lost, ready when it is back, and still stops on SIGTERM', async (t) => {
  // The "database": greets every connection with OK while up; while down, hangs up at once.
  let up = true;
  const sockets = new Set();
  const db = net.createServer((socket) => {
    if (!up) return socket.destroy();
    sockets.add(socket.on('close', () => sockets.delete(socket)).on('error', () => {}));
    socket.write('OK\n');
  });
  db.listen(0, '127.0.0.1');
  await once(db, 'listening');
  t.after(() => db.close());
  const service = await startFixture('core/db-readiness.js', { env: { DB_PORT: String(db.address().port) } });
  const port = Number(/^READY (\d+)/m.exec(service.stdout)[1]);
  const readyz = () => get(port, '/readyz');
  const until = async (predicate) => {
    const started = Date.now();
    for (;;) {
      const res = await readyz();
      if (predicate(res)) return res;
      assert.ok(Date.now() - started < 10_000, `no change within 10 s; last: ${res.status} ${res.body}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  await until((res) => res.status === 200);
  up = false;
  for (const socket of sockets) socket.destroy();
  const lost = await until((res) => res.status === 503);
  assert.equal(lost.body, 'not ready (marked not ready: database connection lost)\n');
  assert.equal((await get(port, '/livez')).status, 200, 'the service keeps running');
  up = true;
  await until((res) => res.status === 200);

  const exit = await service.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  assert.match(service.stdout, /READINESS false database connection lost\nREADINESS true \n/);
});
