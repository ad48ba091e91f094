// docs/cli-run.md's Kubernetes, systemd and `npm start` recipes, run as written (paths and ports swapped
// for test ones). The Dockerfile recipe runs in run-pid1.test.js.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import test from 'node:test';

import { CLI, fixture, NODE, startRun, tempDir } from '../../helpers/run.js';
import { recipeArray, recipeLine } from '../../helpers/run-recipes.js';

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** python3's http.server dies of SIGTERM (no handler): without a preset the runner would exit 143. */
const worker = (port) => ['python3', '-m', 'http.server', String(port), '--bind', '127.0.0.1'];

function substitute(argv, port, extra = {}) {
  return argv.flatMap((a) => {
    if (a === 'lastcall' || a === '/usr/local/bin/lastcall') return [NODE, CLI];
    if (a === 'tcp:8080') return [`tcp:127.0.0.1:${port}`];
    return [extra[a] ?? a];
  });
}

test('Kubernetes Deployment: ready on the port, a SIGTERM stop exits 0 with the kubernetes preset', async () => {
  const port = await freePort();
  const command = recipeArray('command:', '**Kubernetes Deployment**');
  const args = recipeArray('args:', '**Kubernetes Deployment**');
  assert.deepEqual(args, ['python3', '/srv/worker.py']);
  const run = startRun([...substitute(command, port), ...worker(port)], { raw: true });
  await run.waitFor(/lastcall: ready \(tcp:/);
  run.signal('SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 0, run.stderr);
});

test('systemd unit: READY=1 once ready, PID file held and removed, a stop exits 0', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const pidfile = path.join(dir, 'worker.pid');
  const exec = recipeLine('ExecStart=', '**systemd unit**').split(' ');
  const python = exec.indexOf('/usr/bin/python3');
  const argv = [...substitute(exec.slice(0, python), port, { '/run/worker/worker.pid': pidfile }), ...worker(port)];
  assert.ok(
    recipeLine('Type=', '**systemd unit**') === 'notify' && recipeLine('KillMode=', '**systemd unit**') === 'mixed',
  );
  const hasNotify = spawnSync('sh', ['-c', 'command -v systemd-notify']).status === 0;
  const socketPath = path.join(dir, 'notify');
  let notified = '';
  if (hasNotify) {
    const listener = spawn('python3', [fixture('notify-listener.py'), socketPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => listener.kill());
    listener.stdout.setEncoding('utf8').on('data', (c) => (notified += c));
    while (!notified.includes('BOUND')) await new Promise((r) => setTimeout(r, 20));
  }
  const run = startRun(argv, { raw: true, env: hasNotify ? { NOTIFY_SOCKET: socketPath } : {} });
  await run.waitFor(/lastcall: ready/);
  assert.equal(Number(readFileSync(pidfile, 'utf8').split('\n')[0]), run.pid);
  if (hasNotify) {
    while (!notified.includes('READY=1')) await new Promise((r) => setTimeout(r, 20));
  }
  run.signal('SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 0, run.stderr);
  assert.equal(existsSync(pidfile), false);
});

test('replacing npm start: the CMD runs the app directly and stops it with SIGINT', async () => {
  const cmd = recipeArray('CMD', '**Replacing `npm start`**');
  const argv = substitute(cmd, 0, { node: NODE, 'server.js': fixture('signals.js') });
  const run = startRun([...argv, 'SIGINT'], { raw: true });
  await run.waitFor(/READY/);
  run.signal('SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 0, run.stderr);
  assert.match(run.stdout, /GOT SIGINT/);
  assert.doesNotMatch(run.stdout, /GOT SIGTERM/);
});
