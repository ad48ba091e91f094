// A real Redis server: the graceful closer (QUIT) is chosen for an ioredis client, and the README
// recipe stops a consumer blocked in BRPOP without losing the job it holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import Redis from 'ioredis';
import { createLifecycle } from 'lastcall';

import { quietLifecycle } from '../helpers/http.js';
import { startRedis } from '../helpers/servers.js';

test(
  'ioredis client as a resource: replies pending at shutdown are delivered (QUIT, not a disconnect)',
  { timeout: 20_000 },
  async (t) => {
    const server = await startRedis();
    if (server.skip) return t.skip(server.skip);
    t.after(server.stop);
    const redis = new Redis(server.url);
    await redis.ping();
    const life = createLifecycle(quietLifecycle);
    life.add('cache', redis);
    await life.start();
    // BLPOP on an empty list holds the connection for 300 ms: its reply is pending when the close runs.
    const pending = [redis.set('k', 'v'), redis.blpop('empty', 0.3), redis.get('k')];
    const report = await life.shutdown('test');
    assert.deepEqual(await Promise.allSettled(pending), [
      { status: 'fulfilled', value: 'OK' },
      { status: 'fulfilled', value: null },
      { status: 'fulfilled', value: 'v' },
    ]);
    assert.equal(report.outcome, 'clean');
    // QUIT's reply settles the step; the socket closes right after it.
    if (redis.status !== 'end') await new Promise((resolve) => redis.once('end', resolve));
  },
);

test('recipe: a BRPOP consumer stops at drain, finishes the job it holds, leaves the rest queued', async (t) => {
  const server = await startRedis();
  if (server.skip) return t.skip(server.skip);
  t.after(server.stop);
  const redis = new Redis(server.url);
  await redis.rpush('jobs', 'a', 'b', 'c');
  let release;
  const held = new Promise((resolve) => (release = resolve));
  let started;
  const jobStarted = new Promise((resolve) => (started = resolve));
  const handle = async (job) => {
    started();
    await held;
    await redis.rpush('done', job);
  };

  // The recipe (README, "A blocking queue consumer"):
  const blocking = redis.duplicate();
  let stopping = false;
  const consumer = (async () => {
    while (!stopping) {
      const item = await blocking.brpop('jobs', 0).catch((error) => {
        if (stopping) return null; // the drain hook disconnected it
        throw error;
      });
      if (item) await handle(item[1]);
    }
  })();
  const life = createLifecycle(quietLifecycle);
  life.add('cache', redis);
  life.add(
    'queue',
    {
      drain: async () => {
        stopping = true;
        blocking.disconnect(); // BRPOP 0 never returns by itself; the hook's signal cannot stop it
        await consumer; // the job in hand finishes
      },
    },
    { dependsOn: ['cache'] },
  );
  await life.start();

  await jobStarted;
  const shutdown = life.shutdown('test');
  setTimeout(release, 200);
  const report = await shutdown;
  assert.equal(report.outcome, 'clean');
  const check = new Redis(server.url);
  assert.deepEqual(await check.lrange('done', 0, -1), ['c']);
  assert.deepEqual(await check.lrange('jobs', 0, -1), ['a', 'b'], 'jobs not taken stay queued');
  await check.quit();
});
