// `lastcall run --listen`: the sockets are bound before the first start and passed as fds 3.. with
// LISTEN_FDS / LISTEN_PID (the child's own) / LISTEN_FDNAMES, not inherited by the child's children;
// a socket-activated runner passes its sockets on; crash restarts refuse no connection; usage errors.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import test from 'node:test';

import { get as httpGet } from '../../helpers/http.js';
import { startLoad } from '../../helpers/listen-load.js';
import { FIXTURES, NODE, readJson, runToEnd, startRun, tempDir } from '../../helpers/run.js';

const SERVICE = path.join(FIXTURES, 'listen', 'node-service.mjs');

/** The body of GET / at `target` ({ host, port } or { socketPath }), trimmed: the pid that answered. */
const get = async ({ port, ...target }) => (await httpGet(port, '/', { agent: false, ...target })).body.trim();

test("LISTEN_PID is the child's own pid; its own children do not inherit LISTEN_*", async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(
    ['--listen', 'api=tcp:127.0.0.1:0', '--ready', 'log:^READY', '--report', report, '--', NODE, SERVICE],
    { env: { SPAWN_GRANDCHILD: '1' } },
  );
  const port = Number((await run.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
  const [, pid, seen] = await run.waitFor(/ENV pid=(\d+) (\{.*\}) sockets/);
  assert.deepEqual(JSON.parse(seen), { LISTEN_PID: pid, LISTEN_FDS: '1', LISTEN_FDNAMES: 'api' });
  assert.match(run.stdout, /sockets=\[\{"fd":3,"name":"api"\}\]/);
  assert.equal((await run.waitFor(/GRANDCHILD (.*)/))[1], '[null,null,null]');
  await run.waitFor(/READY/);
  assert.equal(await get({ host: '127.0.0.1', port }), pid);
  run.signal('SIGTERM');
  assert.equal((await run.exited).code, 0);
  assert.equal(readJson(report).runs[0].pid, Number(pid));
  assert.deepEqual(readJson(report).listen, [
    { spec: 'tcp:127.0.0.1:0', name: 'api', bound: `127.0.0.1:${port}`, childFd: 3 },
  ]);
});

test('a socket-activated runner passes its socket on, with its name', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(
    [
      path.join(FIXTURES, 'listen', 'activate.py'),
      NODE,
      path.join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'main.js'),
      'run',
      '--ready',
      'log:^READY',
      '--report',
      report,
      '--',
      NODE,
      SERVICE,
    ],
    { raw: true },
  );
  const port = Number((await run.waitFor(/ACTIVATED (\d+)/))[1]);
  const [, pid] = await run.waitFor(/READY (\d+)/);
  assert.match(run.stdout, /"LISTEN_FDNAMES":"web"\} sockets=\[\{"fd":3,"name":"web"\}\]/);
  assert.equal(await get({ host: '127.0.0.1', port }), pid);
  run.signal('SIGTERM');
  assert.equal((await run.exited).code, 0, run.stderr);
  assert.deepEqual(readJson(report).listen, [{ spec: 'activated', name: 'web', bound: '', childFd: 3 }]);
});

test('LISTEN_FDS for the runner without an inherited socket at fd 3: one line, exit code 98', async () => {
  const activate = [
    'python3',
    '-c',
    'import os,sys; os.execve(sys.argv[1], sys.argv[1:], dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid())))',
  ];
  const r = await runToEnd(
    [
      ...activate,
      NODE,
      path.join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'main.js'),
      'run',
      '--',
      'sh',
      '-c',
      'echo STARTED',
    ],
    { raw: true },
  );
  assert.equal(r.code, 98, r.stderr);
  assert.match(r.stderr, /^lastcall: Could not listen on fd 3 \(LISTEN_FDS=1\): not a socket/);
  assert.doesNotMatch(r.stdout, /STARTED/);
});

test('unix:<path>: the child serves on it; the runner removes its socket file at exit', async (t) => {
  const sock = path.join(tempDir(t), 'app.sock');
  const run = startRun(['--listen', `unix:${sock}`, '--ready', 'log:^READY', '--', NODE, SERVICE]);
  const [, pid] = await run.waitFor(/READY (\d+)/);
  assert.equal(await get({ socketPath: sock }), pid);
  run.signal('SIGTERM');
  assert.equal((await run.exited).code, 0);
  await assert.rejects(get({ socketPath: sock }), { code: 'ENOENT' });
});

test('unix:<path>: a stale socket file (nobody answers) is replaced; a live one is EADDRINUSE (98); a regular file is left alone', async (t) => {
  const dir = tempDir(t);
  const stale = path.join(dir, 'stale.sock');
  // A socket file whose owner is gone: bound by a process that exited without removing it.
  const made = await runToEnd(
    [
      NODE,
      '-e',
      `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ],
    { raw: true },
  );
  assert.equal(made.signal, 'SIGKILL');
  const run = startRun(['--listen', `unix:${stale}`, '--ready', 'log:^READY', '--', NODE, SERVICE]);
  const [, pid] = await run.waitFor(/READY (\d+)/);
  assert.equal(await get({ socketPath: stale }), pid);
  const second = await runToEnd(['--listen', `unix:${stale}`, '--', 'true']);
  assert.equal(second.code, 98, second.stderr);
  assert.match(second.stderr, /Could not listen on unix:.*EADDRINUSE/);
  run.signal('SIGTERM');
  await run.exited;
  const file = path.join(dir, 'data.txt');
  writeFileSync(file, 'keep me');
  const third = await runToEnd(['--listen', `unix:${file}`, '--', 'true']);
  assert.equal(third.code, 98, third.stderr);
  assert.equal(readFileSync(file, 'utf8'), 'keep me');
});

test('a taken port: one line naming it, exit code 98, no child started', async (t) => {
  const taken = net.createServer().listen(0, '127.0.0.1');
  t.after(() => taken.close());
  await new Promise((r) => taken.once('listening', r));
  const { port } = taken.address();
  const r = await runToEnd([
    '--listen',
    'tcp:127.0.0.1:0',
    '--listen',
    `tcp:127.0.0.1:${port}`,
    '--',
    'sh',
    '-c',
    'echo STARTED',
  ]);
  assert.equal(r.code, 98, r.stderr);
  assert.equal(
    r.stderr.trim(),
    `lastcall: Could not listen on tcp:127.0.0.1:${port}: address already in use (EADDRINUSE)`,
  );
  assert.doesNotMatch(r.stdout, /STARTED/);
});

test('usage errors: tcp:/http readiness with --listen says why; bad specs; a ready fd the sockets take', async () => {
  const cases = [
    [['--listen', 'tcp:0', '--ready', 'tcp:8080'], /the runner holds the socket/],
    [['--listen', 'tcp:0', '--ready', 'http://127.0.0.1:1/'], /the runner holds the socket/],
    [['--reload-signal', 'SIGHUP', '--ready', 'tcp:8080'], /the old child would answer for the new one/],
    [['--listen', 'udp:53'], /--listen: an unknown kind/],
    [['--listen', 'tcp:70000'], /--listen: a port from 0 to 65535/],
    [['--listen', 'tcp:0', '--listen', 'tcp:0', '--ready', 'fd:4'], /fd:4 is taken by a listening socket/],
    [['--reload-signal', 'SIGTERM'], /--reload-signal: SIGTERM stops the runner/],
    [['--reload-signal', 'SIGNOPE'], /--reload-signal: expected a catchable signal/],
  ];
  for (const [args, message] of cases) {
    const r = await runToEnd([...args, '--', 'true']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test(
  '--restart always --listen: a child crashing every 15 requests refuses no connection; backoff honoured',
  { timeout: 60_000 },
  async (t) => {
    const report = path.join(tempDir(t), 'r.json');
    const run = startRun(
      [
        '--listen',
        'tcp:127.0.0.1:0',
        '--restart',
        'always',
        '--backoff',
        '150ms..300ms',
        '--max-restarts',
        '50',
        '--deadline',
        '3s',
        '--report',
        report,
        '--',
        NODE,
        SERVICE,
      ],
      { env: { CRASH_EVERY: '15' } },
    );
    const port = Number((await run.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    const load = startLoad({ port, keepAlive: 0, fresh: 4 });
    await run.waitFor(/restart #4 in/, 30_000);
    const stats = await load.stop();
    run.signal('SIGTERM');
    await run.exited;
    const refused = stats.failures.filter((f) => f === 'ECONNREFUSED');
    assert.deepEqual(refused, [], `${refused.length} refused of ${stats.ok + stats.failures.length}`);
    assert.ok(stats.pids.length >= 4, `served by ${stats.pids.length} children`);
    const runs = readJson(report).runs;
    for (let i = 0; i + 1 < runs.length; i += 1) {
      const delay = runs[i].restartDelayMs;
      assert.ok(delay >= 150 * 0.8 - 1 && delay <= 300 * 1.2 + 1, `delay ${delay}`);
      const gap = runs[i + 1].startMs - runs[i].endMs;
      assert.ok(gap >= delay - 1, `restart #${i + 1} came ${gap} ms after the exit, backoff ${delay}`);
    }
  },
);

test(
  'drain on an inherited socket stops accepting at once: queued connections are left to the next holder',
  { timeout: 30_000 },
  async () => {
    const run = startRun(['--listen', 'tcp:127.0.0.1:0', '--ready', 'log:^READY', '--', NODE, SERVICE]);
    const port = Number((await run.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    await run.waitFor(/READY/);
    void get({ host: '127.0.0.1', port, path: '/block' }).catch(() => {});
    await run.waitFor(/BLOCKING/);
    // While the child's event loop is held: 20 connections wait in the kernel's queue, then the stop.
    const queued = Array.from({ length: 20 }, () => get({ host: '127.0.0.1', port }).catch(() => {}));
    await new Promise((r) => setImmediate(r));
    run.signal('SIGTERM');
    const accepted = Number((await run.waitFor(/ACCEPTED_AFTER_DRAIN (\d+)/))[1]);
    await run.exited;
    await Promise.all(queued);
    // A socket of its own is kept open until its queue runs dry: all 20 would be accepted.
    assert.ok(accepted <= 3, `${accepted} connections accepted after the drain began`);
  },
);
