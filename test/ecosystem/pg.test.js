// A real PostgreSQL server: `life.add('db', pool)` waits for tracked queries, then pool.end() closes
// every connection (checked from the server's side).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';
import pg from 'pg';

import { quietLifecycle } from '../helpers/http.js';
import { startPostgres } from '../helpers/servers.js';

test('pg Pool as a resource: queries in flight finish, then end() leaves no connection open', async (t) => {
  const server = await startPostgres();
  if (server.skip) return t.skip(server.skip);
  t.after(server.stop);
  const pool = new pg.Pool({ connectionString: server.url, max: 4, application_name: 'lastcall-app' });
  const life = createLifecycle(quietLifecycle);
  life.add('db', pool, { timeoutMs: 5000 });
  await life.start();
  const queries = [1, 2, 3, 4].map((i) => pool.query('select pg_sleep(0.3), $1::int as i', [i]));
  for (const query of queries) life.track(query);
  const report = await life.shutdown('test');
  assert.deepEqual(
    (await Promise.all(queries)).map((r) => r.rows[0].i),
    [1, 2, 3, 4],
  );
  assert.equal(report.outcome, 'clean');
  assert.equal(pool.ended, true);
  const monitor = new pg.Client({ connectionString: server.url });
  await monitor.connect();
  const { rows } = await monitor.query(
    "select count(*)::int as n from pg_stat_activity where application_name = 'lastcall-app'",
  );
  await monitor.end();
  assert.equal(rows[0].n, 0, 'the server sees no connection of the pool');
});

// Issue 20 item 27: `{ close: pool.end.bind(pool) }` hands pg the hook's AbortSignal as its callback.
test('pg: a bound pool.end as the close hook is named in a warning when added', async (t) => {
  const server = await startPostgres();
  if (server.skip) return t.skip(server.skip);
  t.after(server.stop);
  const pool = new pg.Pool({ connectionString: server.url, max: 1 });
  await pool.query('select 1');
  const warnings = [];
  const logger = { info: () => {}, error: () => {}, warn: (_obj, msg) => warnings.push(msg) };
  const life = createLifecycle({ ...quietLifecycle, logger });
  life.add('db', { close: pool.end.bind(pool) });
  assert.equal(warnings.length, 1, JSON.stringify(warnings));
  assert.match(warnings[0], /step "db": its close hook is a bound "end" method/);
  assert.match(warnings[0], /add\('db', client\)/);
  // What the warning is about: the step fails as described.
  const report = await life.shutdown('test');
  const step = report.steps.find((s) => s.name === 'db');
  assert.equal(step.status, 'failed');
  assert.match(String(step.error?.message), /_endCallback is not a function/);
  if (!pool.ended) await pool.end();
  // A client added as itself, or a closure, is not warned about.
  const other = new pg.Pool({ connectionString: server.url, max: 1 });
  createLifecycle({ ...quietLifecycle, logger })
    .add('a', other)
    .add('b', { close: () => other.end() });
  assert.equal(warnings.filter((line) => line.includes('bound')).length, 1, JSON.stringify(warnings));
});
