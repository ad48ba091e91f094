// `lastcall run --listen --reload-signal`: reloads under keep-alive and new-connection load lose no
// request, for a Node service (lastcall/http on fd 3) and a Python one (socket.socket(fileno=3)); a new
// child that never gets ready is stopped and the old one serves on; a stop during a reload stops both.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { startLoad } from '../../helpers/listen-load.js';
import { FIXTURES, isAlive, NODE, readJson, startRun, tempDir, waitGone } from '../../helpers/run.js';

const SERVICES = {
  node: [NODE, path.join(FIXTURES, 'listen', 'node-service.mjs')],
  python: ['python3', path.join(FIXTURES, 'listen', 'py-service.py')],
};

async function startService(t, kind, { env = {}, extra = [] } = {}) {
  const report = path.join(tempDir(t), 'report.json');
  const run = startRun(
    [
      '--listen',
      'tcp:127.0.0.1:0',
      '--ready',
      'log:^READY',
      '--ready-timeout',
      '1500ms',
      '--reload-signal',
      'SIGHUP',
      '--deadline',
      '5s',
      '--report',
      report,
      ...extra,
      '--',
      ...SERVICES[kind],
    ],
    { env },
  );
  const port = Number((await run.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
  await run.waitFor(/ready \(log:/);
  return { run, port, report };
}

for (const kind of ['node', 'python']) {
  test(`${kind}: 10 reloads in a row under load lose no request`, { timeout: 120_000 }, async (t) => {
    const { run, port, report } = await startService(t, kind);
    const load = startLoad({ port });
    await load.waitForOk(20);
    for (let i = 1; i <= 10; i += 1) {
      run.signal('SIGHUP');
      await run.waitFor(new RegExp(`reload #${i}: old child \\d+ stopped`), 20_000);
      await load.waitForOk(10);
    }
    const stats = await load.stop();
    assert.deepEqual(stats.failures, [], `${stats.failures.length} failed of ${stats.ok + stats.failures.length}`);
    t.diagnostic(`${stats.ok} answered, ${stats.retried} retried (reset on a reused socket as it was closed)`);
    assert.ok(stats.pids.length >= 6, `served by ${stats.pids.length} children`);
    run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 0, run.stderr);
    const rep = readJson(report);
    assert.equal(rep.reloads.length, 10);
    for (const r of rep.reloads) {
      assert.equal(r.result, 'ok', JSON.stringify(r));
      assert.ok(r.readyMs > 0 && r.old.pid > 0 && r.old.escalation !== 'sigkill', JSON.stringify(r));
    }
    assert.equal(rep.runs.length, 11);
    // Each Node child's own lifecycle exits 1 when its drain cut a request it had received.
    if (kind === 'node')
      assert.deepEqual(
        rep.runs.map((r) => r.exitCode),
        Array(11).fill(0),
        run.stderr,
      );
    assert.deepEqual(
      rep.runs.map((r) => r.reload ?? 0),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    const reloadSteps = rep.steps.filter((s) => s.name.startsWith('reload #'));
    assert.equal(reloadSteps.length, 10);
    assert.ok(
      rep.steps.every((s) => s.status === 'ok'),
      JSON.stringify(rep.steps.filter((s) => s.status !== 'ok')),
    );
    assert.deepEqual(await waitGone(rep.runs.map((r) => r.pid)), []);
  });

  test(
    `${kind}: a reload whose child never gets ready is stopped; the old child serves on`,
    { timeout: 60_000 },
    async (t) => {
      const flag = path.join(tempDir(t), 'never-ready');
      const { run, port, report } = await startService(t, kind, { env: { NEVER_READY_IF: flag } });
      const first = Number((await run.waitFor(/READY (\d+)/))[1]);
      writeFileSync(flag, '');
      const load = startLoad({ port });
      await load.waitForOk(10);
      run.signal('SIGHUP');
      await run.waitFor(/reload #1 failed: .*not ready.*; the old child (\d+) serves on/i, 20_000);
      // The new child listened on the shared socket while it got ready, so it may have answered some;
      // from its stop on, the old child answers every request.
      const before = new Map(load.stats.pids);
      await load.waitForOk(20);
      const after = new Map(load.stats.pids);
      const stats = await load.stop();
      assert.deepEqual(stats.failures, []);
      const grew = [...after].filter(([pid, n]) => n > (before.get(pid) ?? 0)).map(([pid]) => pid);
      assert.deepEqual(grew, [String(first)], 'only the old child answered after the failed reload');
      run.signal('SIGTERM');
      assert.equal((await run.exited).code, 0, 'a failed reload does not change the exit code');
      const rep = readJson(report);
      assert.equal(rep.reloads[0].result, 'failed');
      assert.equal(rep.steps.find((s) => s.name.startsWith('reload #1')).status, 'failed');
      assert.match(rep.reloads[0].error, /not ready/i);
      assert.equal(isAlive(rep.reloads[0].pid), false);
    },
  );
}

test('a stop signal during a reload stops both children', { timeout: 30_000 }, async (t) => {
  const flag = path.join(tempDir(t), 'never-ready');
  const { run, report } = await startService(t, 'node', {
    env: { NEVER_READY_IF: flag },
    extra: ['--ready-timeout', '20s'],
  });
  writeFileSync(flag, '');
  run.signal('SIGHUP');
  const second = Number((await run.waitFor(/ENV pid=(\d+)[^\n]*\n(?:[^\n]*\n)*?ENV pid=(\d+)/))[2]);
  run.signal('SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 0, run.stderr);
  const rep = readJson(report);
  assert.equal(rep.reloads[0].result, 'aborted');
  assert.equal(rep.reloads[0].pid, second);
  assert.deepEqual(
    await waitGone(
      rep.runs.map((r) => r.pid),
      2000,
    ),
    [],
  );
});

test(
  'a reload without --listen; the old child dying of the stop signal is a stopped run, not a failure',
  { timeout: 30_000 },
  async (t) => {
    const report = path.join(tempDir(t), 'report.json');
    const run = startRun([
      '--ready',
      'log:^READY',
      '--reload-signal',
      'SIGUSR2',
      '--report',
      report,
      '--',
      'sh',
      '-c',
      'echo READY; exec sleep 30',
    ]);
    await run.waitFor(/ready \(log:/);
    run.signal('SIGUSR2');
    await run.waitFor(/reload #1: old child \d+ stopped after SIGTERM/);
    run.signal('SIGTERM');
    assert.equal((await run.exited).code, 143, run.stderr);
    const rep = readJson(report);
    assert.equal(rep.runs[0].exitSignal, 'SIGTERM');
    assert.deepEqual(
      rep.steps.map((s) => [s.name, s.status]),
      [
        ['run #1', 'ok'],
        ['run #2', 'ok'],
        ['reload #1 (SIGUSR2)', 'ok'],
        ['stop (SIGTERM)', 'ok'],
      ],
    );
    assert.deepEqual(rep.forwarded, [], 'the reload signal is not forwarded');
  },
);

test(
  'the old child dying while the new one gets ready: the new one takes over, the run goes on',
  { timeout: 30_000 },
  async (t) => {
    const dir = tempDir(t);
    const [slow, go] = [path.join(dir, 'slow'), path.join(dir, 'go')];
    const report = path.join(dir, 'report.json');
    // Once `slow` exists, a child waits for `go` before it says READY: the test decides when it is ready.
    const script = `echo "STARTED $$"; if [ -e ${slow} ]; then while [ ! -e ${go} ]; do sleep 0.05; done; fi; echo READY; exec sleep 30`;
    const args = ['--listen', 'tcp:127.0.0.1:0', '--ready', 'log:^READY', '--reload-signal', 'SIGUSR2'];
    const run = startRun([...args, '--report', report, '--', 'sh', '-c', script]);
    const first = Number((await run.waitFor(/STARTED (\d+)/))[1]);
    await run.waitFor(/ready \(log:/);
    writeFileSync(slow, '');
    run.signal('SIGUSR2');
    await run.waitFor(/STARTED \d+\n(?:[^\n]*\n)*?STARTED (\d+)/);
    process.kill(first, 'SIGKILL');
    // Under --restart never a dead child ends the run, but not while a reload gets its successor ready.
    await run.waitFor(new RegExp(`child ${first} exited \\(signal SIGKILL\\) during a reload`));
    writeFileSync(go, '');
    await run.waitFor(
      new RegExp(`reload #1: child \\d+ ready .* it takes over from child ${first} \\(signal SIGKILL\\)`),
    );
    run.signal('SIGTERM');
    assert.equal((await run.exited).code, 143, run.stderr);
    const rep = readJson(report);
    assert.equal(rep.reloads[0].result, 'ok', JSON.stringify(rep.reloads));
    assert.deepEqual(await waitGone(rep.runs.map((r) => r.pid)), []);
  },
);
