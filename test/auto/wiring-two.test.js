// A leftover exit-calling SIGTERM handler beside a lifecycle with real
// PostgreSQL and Redis. The handler is adopted: pool.end() and quit() run, nothing is lost, exit 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startFixture } from '../helpers/fixture.js';
import { startLoad } from '../helpers/load.js';
import { startPostgres, startRedis } from '../helpers/servers.js';

test(
  'leftover server.close(() => process.exit(0)) beside http, db (pg) and cache (ioredis): 0 lost, db and cache closed after http, exit 0',
  { timeout: 60_000 },
  async (t) => {
    const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    t.after(() => Promise.all([postgres.stop?.(), redis.stop?.()]));
    if (postgres.skip || redis.skip) return t.skip(postgres.skip ?? redis.skip);
    const fixture = await startFixture('auto/wiring-two.js', {
      env: { PG_URL: postgres.url, REDIS_URL: redis.url },
      readyTimeoutMs: 20_000,
    });
    const port = Number(/^READY (\d+)$/m.exec(fixture.stdout)[1]);
    const load = startLoad(port, { clients: 10, path: '/order/200' });
    await load.warm(10);
    load.stopping();
    const exit = await fixture.signalAndWait('SIGTERM');
    const counts = await load.stop();
    t.diagnostic(JSON.stringify(counts));
    assert.equal(exit.code, 0, fixture.stderr);
    assert.equal(counts.lost, 0, JSON.stringify(counts));
    assert.ok(counts.okAfterStop > 0, 'orders in flight at SIGTERM were answered');
    assert.match(fixture.stdout, /^CACHE quit OK$/m);
    assert.match(fixture.stdout, /^DB ended=true$/m);
    const report = JSON.parse(/^REPORT (.*)$/m.exec(fixture.stdout)[1]);
    const close = (name) => report.steps.find((step) => step.name === name && step.phase === 'close');
    const handler = report.steps.find((step) =>
      /^process\.on\('SIGTERM', anonymous\) at test\/fixtures\/auto\/wiring-two\.js:\d+$/.test(step.name),
    );
    assert.ok(handler, JSON.stringify(report.steps.map((step) => step.name)));
    assert.equal(report.outcome, 'clean');
    // db and cache close only after http has closed (its drain done) and the adopted handler ran.
    const httpEnd = close('http').startMs + close('http').durationMs;
    assert.ok(close('db').startMs >= httpEnd - 1, JSON.stringify(report.steps));
    assert.ok(close('cache').startMs >= handler.startMs + handler.durationMs - 1, JSON.stringify(report.steps));
    assert.match(report.exitRequests[0].at, /^test\/fixtures\/auto\/wiring-two\.js:\d+$/);
  },
);
