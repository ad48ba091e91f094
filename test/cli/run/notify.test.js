// systemd Type=notify: READY=1 (with MAINPID = the runner) through systemd-notify when NOTIFY_SOCKET
// is set; without systemd-notify, one stderr line and the report say it was not sent.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { fixture, NODE, readJson, startRun, tempDir } from '../../helpers/run.js';

const hasNotify = spawnSync('sh', ['-c', 'command -v systemd-notify']).status === 0;

/** A NOTIFY_SOCKET in a temp dir with the listener bound to it (killed after the test). */
async function boundListener(t) {
  const dir = tempDir(t);
  const socketPath = path.join(dir, 'notify');
  const listener = listen(socketPath);
  t.after(() => listener.child.kill());
  await listener.waitFor(/BOUND/);
  return { dir, socketPath, listener };
}

function listen(socketPath) {
  const child = spawn('python3', [fixture('notify-listener.py'), socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const waiters = new Set();
  child.stdout.setEncoding('utf8').on('data', (c) => ((out += c), waiters.forEach((w) => w())));
  const waitFor = (re) =>
    new Promise((resolve) => {
      const w = () => re.test(out) && (waiters.delete(w), resolve(out));
      waiters.add(w);
      w();
    });
  return {
    child,
    waitFor,
    get out() {
      return out;
    },
  };
}

test(
  'READY=1 with MAINPID of the runner, once ready; STOPPING=1 on stop',
  { skip: !hasNotify && 'systemd-notify is not installed (Debian package systemd)' },
  async (t) => {
    const { dir, socketPath, listener } = await boundListener(t);
    const report = path.join(dir, 'r.json');
    const run = startRun(
      ['--ready', 'log:listening', '--report', report, '--', 'python3', fixture('log-ready.py'), '0.2'],
      { env: { NOTIFY_SOCKET: socketPath } },
    );
    await listener.waitFor(/READY=1/);
    assert.match(listener.out, new RegExp(`MAINPID=${run.pid}\\b`));
    assert.match(run.stderr, /lastcall: ready \(log:listening\)/, 'ready was announced before systemd was told');
    run.signal('SIGTERM');
    await listener.waitFor(/STOPPING=1/);
    await run.exited;
    assert.equal(readJson(report).notify, 'sent');
  },
);

// /proc/uptime counts from boot like CLOCK_MONOTONIC (it also counts suspended time: none here).
const uptimeUsec = () => Math.round(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1e6);

test(
  'a reload: RELOADING=1 with MONOTONIC_USEC (systemd >= 253), then READY=1 and STATUS= once the new child is ready',
  { skip: !hasNotify && 'systemd-notify is not installed (Debian package systemd)' },
  async (t) => {
    const { socketPath, listener } = await boundListener(t);
    const run = startRun(
      ['--ready', 'log:listening', '--reload-signal', 'SIGHUP', '--', 'python3', fixture('log-ready.py'), '0.3'],
      { env: { NOTIFY_SOCKET: socketPath } },
    );
    await listener.waitFor(/READY=1/);
    const before = uptimeUsec();
    run.signal('SIGHUP');
    await listener.waitFor(/RELOADING=1[^\n]*\n[^\n]*READY=1/);
    const after = uptimeUsec();
    const lines = listener.out.split('\n');
    const reloading = lines.find((l) => l.includes('RELOADING=1')) ?? '';
    const usec = Number(/\bMONOTONIC_USEC=(\d+)\b/.exec(reloading)?.[1]);
    // Generous: /proc/uptime has 10 ms steps and the box may be loaded.
    assert.ok(usec >= before - 2e6 && usec <= after + 2e6, `${usec} not within [${before}, ${after}]: ${reloading}`);
    assert.match(reloading, /STATUS=reload #1 \(SIGHUP\)/);
    assert.match(reloading, new RegExp(`MAINPID=${run.pid}\\b`));
    const ready = lines.slice(lines.indexOf(reloading)).find((l) => l.includes('READY=1')) ?? '';
    assert.match(ready, /STATUS=reload #1: child \d+ serving/);
    await run.waitFor(/reload #1: old child \d+ stopped/);
    run.signal('SIGTERM');
    assert.equal((await run.exited).code, 0, run.stderr);
  },
);

test('NOTIFY_SOCKET without systemd-notify: one line, the report says why', async (t) => {
  const dir = tempDir(t);
  const report = path.join(dir, 'r.json');
  const run = startRun(['--report', report, '--', NODE, fixture('signals.js')], {
    env: { NOTIFY_SOCKET: path.join(dir, 'none'), PATH: dir },
  });
  await run.waitFor(/systemd not-sent/);
  run.signal('SIGTERM');
  await run.exited;
  assert.match(readJson(report).notify, /systemd-notify is not installed/);
  assert.equal((run.stderr.match(/not-sent/g) ?? []).length, 1);
});
