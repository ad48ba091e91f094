// Behaviour 2 and 3: the stop sequence waits for every descendant, SIGKILLs at the deadline,
// confirms deaths; a second signal forces; the runner exits within the deadline.
import assert from 'node:assert/strict';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import test from 'node:test';

import { fixture, isAlive, NODE, readJson, startRun, tempDir, waitGone } from '../../helpers/run.js';
import { assertGuard } from '../../helpers/timing.js';

test('SIGTERM: the child exits on it; the runner exits with its code and reports the stop', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(['--report', report, '--', NODE, fixture('signals.js')]);
  await run.waitFor(/READY/);
  run.signal('SIGTERM');
  const { code } = await run.exited;
  assert.equal(code, 0);
  assert.equal((run.stdout.match(/GOT SIGTERM/g) ?? []).length, 1, 'the child got SIGTERM exactly once');
  const r = readJson(report);
  assert.equal(r.outcome, 'stopped');
  assert.equal(r.stop.received, 'SIGTERM');
  assert.equal(r.stop.escalation, 'sigterm');
  assert.deepEqual(r.stop.survivors, []);
  assert.deepEqual(
    r.stop.processes.map((p) => [p.pid, p.signal, p.survived]),
    [[r.pid, 'SIGTERM', false]],
  );
  assert.match(r.stop.processes[0].command, /signals\.js/);
  assert.doesNotMatch(run.stderr, /lastcall: stop:/, 'a lone child exiting on the stop signal is not worth a line');
  assert.equal(r.steps.at(-1).phase, 'close');
});

test('--stop-signal SIGINT: the tree gets SIGINT first', async () => {
  const run = startRun(['--stop-signal', 'SIGINT', '--', NODE, fixture('signals.js'), 'SIGINT']);
  await run.waitFor(/READY/);
  run.signal('SIGTERM');
  assert.equal((await run.exited).code, 0);
  assert.match(run.stdout, /GOT SIGINT/);
  assert.doesNotMatch(run.stdout, /GOT SIGTERM/);
});

test("setsid'd and double-forked grandchildren are all gone when the runner exits (they ignore SIGTERM)", async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(['--deadline', '2s', '--report', report, '--', 'python3', fixture('tree.py')]);
  const [, a, b] = await run.waitFor(/READY (\d+) (\d+)/);
  const pids = [Number(a), Number(b)];
  assert.ok(pids.every(isAlive));
  run.signal('SIGTERM');
  const exit = await run.exited;
  assert.deepEqual(pids.filter(isAlive), [], 'no grandchild outlives the runner');
  assert.equal(exit.code, 124, 'the grandchildren ignored SIGTERM: SIGKILL at the deadline');
  const r = readJson(report);
  assert.equal(r.outcome, 'timed-out');
  assert.equal(r.stop.escalation, 'sigkill');
  assert.deepEqual(r.stop.survivors, []);
  // Each process the stop found is listed with its pid, command and what it took, also for people.
  const found = new Map(r.stop.processes.map((p) => [p.pid, p]));
  assert.deepEqual(
    { ...found.get(r.pid), command: undefined },
    { pid: r.pid, command: undefined, signal: 'SIGTERM', survived: false },
  );
  for (const pid of pids) {
    assert.equal(found.get(pid)?.signal, 'SIGKILL', `grandchild ${pid}: ${JSON.stringify(r.stop.processes)}`);
    assert.match(found.get(pid).command, /tree\.py/);
    assert.equal(found.get(pid).survived, false);
  }
  for (const pid of [r.pid, ...pids])
    assert.match(run.stderr, new RegExp(`lastcall: stop: .*\\b${pid} \\([^)]*tree\\.py\\)`));
  assert.match(r.steps.at(-1).error.message, new RegExp(`${pids[0]} .*SIGKILL`));
});

test('the child exiting on its own: its leftover descendants are cleaned up, its code returned', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(['--deadline', '1s', '--report', report, '--', 'python3', fixture('tree.py'), '--exit-now']);
  const [, a, b] = await run.waitFor(/READY (\d+) (\d+)/);
  const exit = await run.exited;
  assert.equal(exit.code, 0);
  assert.deepEqual(await waitGone([Number(a), Number(b)], 100), []);
  const r = readJson(report);
  assert.equal(r.outcome, 'exited');
  assert.equal(r.runs[0].cleanup, 'sigkill');
});

test('a child that ignores SIGTERM: SIGKILL at the deadline, runner exits within it, 0 survivors', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(['--deadline', '1s', '--report', report, '--', fixture('ignore-term.sh')]);
  const [, shPid, sleepPid] = await run.waitFor(/READY (\d+) (\d+)/);
  const sentAt = run.signal('SIGTERM');
  const exit = await run.exited;
  const ms = exit.atMs - sentAt;
  assert.equal(exit.code, 124);
  assert.ok(ms >= 700, `waited until SIGKILL shortly before the deadline (${ms} ms)`);
  assertGuard(ms, 1000, 'exited near the 1 s deadline');
  assert.deepEqual([Number(shPid), Number(sleepPid)].filter(isAlive), []);
  assert.equal(readJson(report).stop.escalation, 'sigkill');
});

test('a second SIGTERM forces: SIGKILL at once, exit 125', async () => {
  const run = startRun(['--deadline', '20s', '--', fixture('ignore-term.sh')]);
  const [, shPid] = await run.waitFor(/READY (\d+) (\d+)/);
  run.signal('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  const sentAt = run.signal('SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 125);
  assertGuard(exit.atMs - sentAt, 200, 'a forced exit is prompt, not the 20 s deadline');
  assert.equal(isAlive(Number(shPid)), false);
});

test('10 SIGTERMs at once: one stop, the child gets the stop signal once, a forced end', async () => {
  const run = startRun(['--', NODE, fixture('signals.js')]);
  await run.waitFor(/READY/);
  for (let i = 0; i < 10; i++) run.signal('SIGTERM');
  const exit = await run.exited;
  assert.ok([0, 125].includes(exit.code), `exit ${exit.code}`);
  assert.ok((run.stdout.match(/GOT SIGTERM/g) ?? []).length <= 1, run.stdout);
  assert.doesNotMatch(run.stderr, /Error|at .*\.js/);
});

test('a child blocked writing to a full pipe is stopped promptly', async () => {
  // The runner's stdout (the child's, inherited) is a pipe this test never reads.
  const run = startRun(['--deadline', '10s', '--', 'python3', fixture('full-pipe.py')]);
  const [, pid] = await run.waitFor(/READY (\d+)/);
  run.child.stdout.pause();
  await new Promise((r) => setTimeout(r, 300));
  const sentAt = run.signal('SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 143);
  assert.ok(exit.atMs - sentAt < 5000, `${exit.atMs - sentAt} ms`);
  assert.equal(isAlive(Number(pid)), false);
});

test('the runner exits within the deadline even when SIGKILL cannot be confirmed soon (guard)', async (t) => {
  const started = performance.now();
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(['--deadline', '300ms', '--report', report, '--', fixture('ignore-term.sh')]);
  const [, shPid, sleepPid] = await run.waitFor(/READY (\d+) (\d+)/);
  run.signal('SIGTERM');
  const exit = await run.exited;
  assert.ok(performance.now() - started < 10_000);
  // Confirmed in time or cut short by the runner's deadline (100 ms of reserve; a loaded box), the
  // tree was SIGKILLed, the report says so, and nothing of the child's group outlives the runner.
  assert.equal(exit.code, 124);
  assert.equal(readJson(report).stop.escalation, 'sigkill');
  assert.deepEqual([Number(shPid), Number(sleepPid)].filter(isAlive), []);
});

test("a stalled reader of the runner's own stdout cannot freeze the runner (--ready log: copies output)", async () => {
  // The child's stdout goes through the runner (log: readiness); this test never reads the runner's stdout.
  const run = startRun(['--deadline', '2s', '--ready', 'log:READY', '--', 'python3', fixture('full-pipe.py')]);
  run.child.stdout.pause();
  await run.waitFor(/lastcall: ready/);
  await new Promise((r) => setTimeout(r, 500)); // both pipes (child → runner → test) are full by now
  const sentAt = run.signal('SIGTERM');
  let timer;
  const exit = await Promise.race([
    run.exited,
    new Promise((r) => (timer = setTimeout(() => r({ code: 'hung', atMs: 0 }), 8000))),
  ]);
  clearTimeout(timer);
  assert.notEqual(exit.code, 'hung', 'the runner answered SIGTERM');
  assert.equal(exit.code, 143);
  assert.ok(exit.atMs - sentAt < 5000);
});
