import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { hungLabel, killAll, liveCount, measureSignalToExit, spawnNode, summariseStderr } from '../../bench/lib.js';

const fixture = (name) => fileURLToPath(new URL(`fixtures/${name}.js`, import.meta.url));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pid, ms) {
  const until = Date.now() + ms;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return !alive(pid);
}

test.after(killAll);

test('a process that exits on SIGTERM is measured with its exit code', async () => {
  const h = spawnNode(fixture('polite'));
  await h.waitForLine(/^READY$/, 5000);
  const r = await measureSignalToExit(h, { capMs: 5000 });
  assert.equal(r.hung, false);
  assert.equal(r.code, 3);
  assert.ok(r.ms >= 0 && r.ms < 5000, `ms ${r.ms}`);
});

test('a process that ignores SIGTERM is SIGKILLed at the cap with its whole group', async () => {
  const h = spawnNode(fixture('stubborn'));
  const line = await h.waitForLine(/^GRANDCHILD \d+$/, 5000);
  await h.waitForLine(/^READY$/, 5000);
  const grandchild = Number(line.split(' ')[1]);
  assert.ok(alive(grandchild));
  const r = await measureSignalToExit(h, { capMs: 300 });
  assert.equal(r.hung, true);
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(r.ms >= 290, `killed after ${r.ms} ms, before the cap`);
  assert.ok(await waitUntilGone(grandchild, 3000), 'grandchild survived the group kill');
  assert.equal(liveCount(), 0);
});

test('waitForLine rejects with the crash line when the process dies before READY', async () => {
  const h = spawnNode(fixture('crash'));
  await assert.rejects(h.waitForLine(/^READY$/, 5000), /exited \(code 1.*boom before READY/);
});

test('waitForLine rejects on timeout', async () => {
  const h = spawnNode(fixture('polite'));
  await assert.rejects(h.waitForLine(/^NEVER$/, 100), /timed out after 100 ms/);
  h.kill();
  await h.exited;
});

test('hungLabel and summariseStderr', () => {
  assert.equal(hungLabel(5000), 'hung (killed at 5 s)');
  assert.equal(hungLabel(1500), 'hung (killed at 1.5 s)');
  assert.equal(summariseStderr('file:///x.js:1\n  throw e\nError: boom\n    at x\n'), 'Error: boom');
  assert.equal(summariseStderr('just a line\nlast line\n'), 'last line');
  assert.equal(summariseStderr(''), '');
});
