// One real listener per AbortSignal and per child, however many calls share them.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';

import { spawnManaged } from 'lastcall/process';

import { fixture, node, waitForLine } from '../helpers/process.js';

function collectWarnings() {
  const warnings = [];
  const onWarning = (warning) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  return { warnings, stop: () => process.off('warning', onWarning) };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('twelve close({ signal }) and waitForExit({ signal }) calls with one signal print no MaxListenersExceededWarning', async () => {
  const seen = collectWarnings();
  const controller = new AbortController();
  const children = Array.from({ length: 12 }, () => spawnManaged('sleep', ['300'], { stdio: 'ignore' }));
  try {
    const waits = children.map((c) => c.waitForExit({ signal: controller.signal }));
    const closes = children.map((c) => c.close({ signal: controller.signal }));
    const again = Array.from({ length: 12 }, () => children[0].close({ signal: controller.signal }));
    const results = await Promise.all([...closes, ...again]);
    await Promise.all(waits);
    await tick();
    assert.ok(results.every((r) => r.escalation === 'sigterm'));
    assert.deepEqual(seen.warnings, []);
  } finally {
    seen.stop();
  }
});

test('more than ten concurrent send() calls print no MaxListenersExceededWarning', async () => {
  const seen = collectWarnings();
  const controller = new AbortController();
  const child = spawnManaged(node, [fixture('ready.js')], { ipc: true });
  try {
    await waitForLine(child.stdout, /^listening/);
    await Promise.all(Array.from({ length: 15 }, (_, i) => child.send({ i }, { signal: controller.signal })));
    await tick();
    assert.deepEqual(seen.warnings, []);
  } finally {
    seen.stop();
    await child.close();
  }
});

// Issue 20 item 18: a call that completed keeps nothing on the caller's signal, which never aborted.
test('completed close({ signal }), waitForExit({ signal }) and send({ signal }) leave no listener on the signal', async () => {
  const controller = new AbortController();
  const child = spawnManaged(node, [fixture('ready.js')], { ipc: true });
  await waitForLine(child.stdout, /^listening/);
  await child.send({ hello: 1 }, { signal: controller.signal });
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'after send()');
  const waiting = child.waitForExit({ signal: controller.signal });
  await child.close({ signal: controller.signal });
  await waiting;
  await tick();
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'after close() and waitForExit()');
});
