import assert from 'node:assert/strict';
import { test } from 'node:test';

import { backoffDelay, spawnManaged, supervise } from 'lastcall/process';

import { fixture, isAlive, node } from '../helpers/process.js';

const crash =
  (code = 1, afterMs = 0) =>
  () =>
    spawnManaged(node, [fixture('crash.js'), String(code), String(afterMs)], { stdio: 'ignore' });
const once = (emitter, event) => new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));

test('backoffDelay: exponential, capped, jitter within bounds', () => {
  const o = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0.2 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { ...o, jitter: 0 })),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(
    backoffDelay(2, o, () => 0),
    160,
  );
  assert.equal(
    backoffDelay(2, o, () => 1),
    240,
  );
  assert.equal(
    backoffDelay(9, o, () => 1),
    1000,
  ); // jitter never goes above maxMs
});

test('a crash loop restarts on the backoff schedule, then gives up', async () => {
  const options = { initialMs: 40, factor: 2, maxMs: 200, jitter: 0.25, maxRestarts: 4, windowMs: 60_000 };
  const sup = supervise(crash(1), options);
  const events = [];
  sup.on('spawn', (child, attempt) => events.push({ type: 'spawn', at: performance.now(), attempt, pid: child.pid }));
  sup.on('exit', (exit) => events.push({ type: 'exit', at: performance.now(), code: exit.code }));
  sup.on('restart', (attempt, delayMs) => events.push({ type: 'restart', at: performance.now(), attempt, delayMs }));
  const [error] = await once(sup, 'giveup');
  assert.equal(error.code, 'ERR_SUPERVISE_GIVE_UP');
  assert.equal(error.restarts, 4);
  assert.equal(sup.state, 'gave-up');
  assert.deepEqual(
    events.map((e) => e.type).join(','),
    'spawn,exit,restart,spawn,exit,restart,spawn,exit,restart,spawn,exit,restart,spawn,exit',
  );
  const restarts = events.filter((e) => e.type === 'restart');
  const spawns = events.filter((e) => e.type === 'spawn');
  restarts.forEach((r, i) => {
    const base = Math.min(200, 40 * 2 ** i);
    assert.equal(r.attempt, i + 1);
    assert.ok(
      r.delayMs >= base * 0.75 && r.delayMs <= Math.min(200, base * 1.25),
      `restart ${i + 1}: ${r.delayMs} ms vs base ${base}`,
    );
    // The next spawn happened no earlier than the announced delay (timestamps, not sleeps).
    const gap = spawns[i + 1].at - r.at;
    assert.ok(gap >= r.delayMs - 2, `spawn ${i + 2} came ${gap} ms after restart, delay was ${r.delayMs}`);
  });
  assert.ok(spawns.every((s) => !isAlive(s.pid)));
  await assert.rejects(sup.waitForReady(), { code: 'ERR_SUPERVISE_GIVE_UP' });
  await sup.close();
});

test('on-failure does not restart a clean exit; always does', async () => {
  const clean = supervise(crash(0), { initialMs: 10 });
  let restarted = false;
  clean.on('restart', () => (restarted = true));
  const [exit] = await once(clean, 'exit');
  assert.equal(exit.code, 0);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(clean.state, 'stopped');
  assert.equal(restarted, false);

  const always = supervise(crash(0), { restart: 'always', initialMs: 10, maxMs: 10 });
  const [attempt, delayMs] = await once(always, 'restart');
  assert.deepEqual([attempt, delayMs <= 10], [1, true]);
  await always.close();
  assert.equal(always.state, 'stopped');
});

test('an intentional stop never restarts, even when the child crashes while stopping', async () => {
  // ready.js exits with code 1 on SIGTERM: a failure, under a policy that restarts failures.
  const sup = supervise(() => spawnManaged(node, [fixture('ready.js'), 'stdout'], { graceMs: 0 }), {
    restart: 'always',
    initialMs: 10,
    readiness: { stdout: /listening on \d+/, timeoutMs: 5000 },
  });
  await sup.waitForReady();
  assert.equal(sup.ready, true);
  const child = sup.child;
  let restarts = 0;
  sup.on('restart', () => restarts++);
  const exitSeen = once(sup, 'exit');
  await sup.close();
  const [exit] = await exitSeen;
  assert.equal(exit.code, 1);
  await new Promise((resolve) => setTimeout(resolve, 50)); // a restart would have been scheduled by now
  assert.equal(restarts, 0);
  assert.equal(sup.state, 'stopped');
  assert.equal(isAlive(child.pid), false);
});

test('readiness by IPC message; a readiness timeout counts as a failure', async () => {
  const ipc = supervise(() => spawnManaged(node, [fixture('ready.js'), 'ipc', '20'], { ipc: true, graceMs: 0 }), {
    readiness: { message: 'ready', timeoutMs: 5000 },
  });
  await ipc.waitForReady();
  await ipc.close();

  const silent = supervise(() => spawnManaged(node, [fixture('ready.js'), 'never'], { graceMs: 0 }), {
    readiness: { stdout: 'listening', timeoutMs: 100 },
    maxRestarts: 0,
  });
  const [error] = await once(silent, 'giveup');
  assert.equal(error.cause?.code, 'ERR_READINESS_TIMEOUT');
  await silent.close();
});
