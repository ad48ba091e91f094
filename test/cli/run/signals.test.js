// Behaviour 1: the child runs in its own group and session; HUP, USR1, USR2, WINCH, QUIT reach it
// exactly once, whether sent to the runner or to the child's group from outside.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { fixture, NODE, readJson, startRun, tempDir } from '../../helpers/run.js';

function statOf(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), pgid: Number(f[2]), sid: Number(f[3]) };
}

const count = (text, sig) => (text.match(new RegExp(`GOT ${sig}\\b`, 'g')) ?? []).length;
const settle = () => new Promise((r) => setTimeout(r, 300));

test('own group and session, with the tree marker', async () => {
  const run = startRun(['--', NODE, fixture('signals.js')]);
  const [, pid] = await run.waitFor(/READY (\d+)/);
  const child = statOf(Number(pid));
  assert.equal(child.ppid, run.pid);
  assert.equal(child.pgid, Number(pid));
  assert.equal(child.sid, Number(pid));
  assert.match(readFileSync(`/proc/${pid}/environ`, 'latin1'), /LASTCALL_TREE=/);
  run.signal('SIGTERM');
  await run.exited;
});

test('each forwarded signal sent to the runner reaches the child exactly once', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(['--report', report, '--', NODE, fixture('signals.js')]);
  await run.waitFor(/READY/);
  const signals = ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGQUIT'];
  for (const sig of signals) {
    run.signal(sig);
    await run.waitFor(new RegExp(`GOT ${sig}`));
  }
  await settle();
  for (const sig of signals) assert.equal(count(run.stdout, sig), 1, sig);
  run.signal('SIGTERM');
  await run.exited;
  assert.deepEqual(
    readJson(report).forwarded.map((f) => f.action),
    signals.map(() => 'sent'),
  );
});

test("a signal sent to the child's group from outside (kill -- -pgid) is not sent again", async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(['--report', report, '--', NODE, fixture('signals.js')]);
  const [, pid] = await run.waitFor(/READY (\d+)/);
  process.kill(-Number(pid), 'SIGHUP');
  await run.waitFor(/GOT SIGHUP/);
  await settle();
  assert.equal(count(run.stdout, 'SIGHUP'), 1);
  run.signal('SIGTERM');
  await run.exited;
  assert.deepEqual(readJson(report).forwarded, [], 'the runner never saw it: the group is not its own');
});

test('a signal that reached the child first and is still pending there is not sent again', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(['--report', report, '--', 'python3', fixture('blocked-hup.py'), '3']);
  const [, pid] = await run.waitFor(/READY (\d+)/);
  // What a cgroup-wide kill does: the same signal to the child and to the runner.
  process.kill(Number(pid), 'SIGHUP');
  run.signal('SIGHUP');
  await run.waitFor(/UNBLOCKED/);
  await run.waitFor(/GOT SIGHUP/);
  await settle();
  run.signal('SIGTERM');
  await run.exited;
  assert.equal(count(run.stdout, 'SIGHUP'), 1);
  assert.deepEqual(readJson(report).forwarded, [{ signal: 'SIGHUP', action: 'already-pending' }]);
});
