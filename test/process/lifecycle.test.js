import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';
import { spawnManaged, supervise } from 'lastcall/process';

import { fixture, isAlive, node } from '../helpers/process.js';

const crash =
  (code = 1, afterMs = 0) =>
  () =>
    spawnManaged(node, [fixture('crash.js'), String(code), String(afterMs)], { stdio: 'ignore' });
const once = (emitter, event) => new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));

test('a give-up is a failed step in the lifecycle report; a clean stop is ok', async () => {
  const life = createLifecycle({ signals: false, exit: false, logger: false });
  const failing = supervise(crash(1), { initialMs: 5, maxRestarts: 1 });
  const healthy = supervise(() => spawnManaged('sleep', ['30'], { stdio: 'ignore' }));
  life.add('failing', failing).add('healthy', healthy);
  await once(failing, 'giveup');
  await healthy.waitForReady();
  const report = await life.shutdown('test');
  const steps = Object.fromEntries(report.steps.filter((s) => s.phase === 'close').map((s) => [s.name, s]));
  assert.equal(steps.failing.status, 'failed');
  assert.equal(steps.failing.error.code, 'ERR_SUPERVISE_GIVE_UP');
  assert.equal(steps.healthy.status, 'ok');
  assert.equal(isAlive(healthy.child.pid), false);
});

test('a managed child is a lifecycle resource', async () => {
  const life = createLifecycle({ signals: false, exit: false, logger: false });
  const child = spawnManaged('sleep', ['30'], { stdio: 'ignore' });
  life.add('sleeper', child);
  const report = await life.shutdown('test');
  assert.equal(report.steps.find((s) => s.name === 'sleeper').status, 'ok');
  assert.equal(child.signalCode, 'SIGTERM');
});
