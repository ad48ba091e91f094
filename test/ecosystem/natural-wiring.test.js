// End to end with real PostgreSQL and Redis: an Express app adds its raw
// server, a pg Pool and an ioredis client with no dependsOn; SIGTERM with 5 slow requests in
// flight and keep-alive load. Nothing is lost, db and cache close after http, exit 0, and the
// report says so. Closing the pool early on purpose: the 500s are counted, warned about, exit 1.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import pg from 'pg';

import { startFixture } from '../helpers/fixture.js';
import { startPostgres, startRedis } from '../helpers/servers.js';

function request(agent, port, path) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, close: res.headers.connection === 'close' }));
    });
    req.on('error', (error) => resolve({ error: error.code ?? error.message }));
  });
}

/** Keep-alive load on 8 sockets until the server says Connection: close or refuses; returns every result. */
async function keepAliveLoad(port, stop) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const results = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (;;) {
        const result = await request(agent, port, '/fast');
        results.push(result);
        if (result.close || result.error || stop.done) return;
      }
    }),
  );
  agent.destroy();
  return results;
}

async function run(t, wiring) {
  const [db, redis] = await Promise.all([startPostgres(), startRedis()]);
  if (db.skip || redis.skip) return t.skip(db.skip ?? redis.skip);
  t.after(async () => Promise.all([db.stop(), redis.stop()]));
  const app = await startFixture('ecosystem/natural-wiring.js', {
    env: { PG_URL: db.url, REDIS_URL: redis.url, WIRING: wiring },
  });
  const port = Number(/READY port=(\d+)/.exec(app.stdout)[1]);
  const stop = { done: false };
  const load = keepAliveLoad(port, stop);
  const slowAgent = new http.Agent({ keepAlive: true });
  const slow = [1, 2, 3, 4, 5].map(() => request(slowAgent, port, '/slow'));
  while (!/IN_FLIGHT 5\b/.test(app.stdout)) await new Promise((resolve) => app.child.stdout.once('data', resolve));
  const exit = await app.signalAndWait('SIGTERM');
  stop.done = true;
  const results = { slow: await Promise.all(slow), load: await load };
  slowAgent.destroy();
  return { app, exit, results, report: app.report(), dbUrl: db.url };
}

const close = (report, name) => report.steps.find((s) => s.name === name && s.phase === 'close');

test(
  'wiring 1 (raw server, pool, redis, no dependsOn): 0 requests lost, db and cache close after http, exit 0',
  { timeout: 60_000 },
  async (t) => {
    const outcome = await run(t, 'natural');
    if (!outcome) return;
    const { app, exit, results, report, dbUrl } = outcome;
    assert.deepEqual(
      results.slow.map((r) => r.status),
      [200, 200, 200, 200, 200],
      app.stderr,
    );
    const lost = results.load.filter((r) => r.status >= 500 || (r.error && r.error !== 'ECONNREFUSED'));
    assert.deepEqual(lost, [], 'no keep-alive request lost');
    assert.equal(exit.code, 0, app.stderr);
    assert.equal(report.outcome, 'clean');
    const [http1, pool, cache] = ['http', 'db', 'cache'].map((name) => close(report, name));
    assert.deepEqual([http1.kind, pool.kind, cache.kind], ['server', 'client', 'client']);
    assert.ok(
      pool.startMs >= http1.startMs + http1.durationMs && cache.startMs >= http1.startMs + http1.durationMs,
      JSON.stringify(report.steps),
    );
    assert.deepEqual(pool.waitedFor, ['http']);
    assert.equal(http1.requests.cut, 0);
    assert.equal(http1.requests.lost, 0);
    assert.ok(http1.requests.answered >= 5, JSON.stringify(http1.requests));
    // Every order row the slow requests wrote is there (they ran to the end before the pool closed).
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    const { rows } = await client.query('select count(*)::int as n from orders');
    await client.end();
    assert.equal(rows[0].n, 5);
  },
);

test(
  'the same app with the pool closed early on purpose: not clean, the 500s counted and warned, exit 1',
  { timeout: 60_000 },
  async (t) => {
    const outcome = await run(t, 'early');
    if (!outcome) return;
    const { app, exit, results, report } = outcome;
    assert.deepEqual(
      results.slow.map((r) => r.status),
      [500, 500, 500, 500, 500],
    );
    assert.equal(exit.code, 1);
    assert.equal(report.outcome, 'failed');
    const http1 = close(report, 'http');
    assert.equal(http1.status, 'failed');
    assert.ok(http1.requests.lost >= 5, JSON.stringify(http1.requests));
    assert.match(
      app.stderr,
      /http: \d+ requests answered 500 during shutdown, after db \(client\) (?:drained|began draining) at \+\d+ ms/,
    );
    assert.match(app.stderr, /http \(close\) failed/);
  },
);
