// Reloads under load: `lastcall run --listen --reload-signal SIGHUP`, PM2's `reload` in fork mode and in
// cluster mode, and a plain stop-then-start restart, in front of the same Node service.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { median, rootDir, sleep, spawnCommand } from '../lib.js';
import { startLoad } from '../load-client.js';
import { CLI, runFixture } from '../run-peers.js';

const SERVICE = runFixture('listen-service.cjs');
const PM2_BIN = path.join(rootDir, 'node_modules', 'pm2', 'bin', 'pm2');

export const scenario = {
  name: 'run-reload',
  title: 'Reloads under load: requests lost',
  meaning:
    "Five reloads of a Node HTTP service (5 ms responses, lastcall's drain on SIGTERM/SIGINT) under " +
    'load from 3 keep-alive and 3 new-connection clients on 127.0.0.1: requests that failed (refused, reset, ' +
    'timed out or non-2xx; lower is better, 0 is the target) and the median reload time in ms (the command to ' +
    'the old instance gone and the new one serving). lastcall: `run --listen tcp:… --ready log:^READY ' +
    '--reload-signal SIGHUP`, the time until its "old child stopped" line. PM2 (a daemon in a throw-away ' +
    "PM2_HOME, wait_ready): `pm2 reload`, the time the command takes (PM2's CLI start included); in fork mode " +
    'it stops the old process before starting the new one. stop-start: `lastcall run` without --listen, ' +
    'stopped and started again (the time until the new one is READY).',
  libraries: ['lastcall', 'pm2-fork', 'pm2-cluster', 'stop-start'],
  figures: {
    failed: { label: 'failed requests', better: 'lower', digits: 0 },
    ok: { label: 'requests served', kind: 'set' },
    reloadMs: { label: 'reload ms (median)', better: 'lower', digits: 0 },
  },
  capMs: 60_000,
  quickCapMs: 60_000,
  async run({ library, quick }) {
    const reloads = quick ? 3 : 5;
    if (library === 'lastcall') return lastcallReloads(reloads);
    if (library === 'stop-start') return stopStart(reloads);
    return pm2Reloads(library === 'pm2-cluster' ? 'cluster' : 'fork', reloads);
  },
};

async function freePort() {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

function waitForStderr(h, re, timeoutMs = 20_000) {
  const until = performance.now() + timeoutMs;
  return (async () => {
    while (!re.test(h.stderr())) {
      if (performance.now() > until) throw new Error(`no ${re} within ${timeoutMs} ms: ${h.stderr().slice(-300)}`);
      await sleep(5);
    }
  })();
}

async function underLoad(port, reloads, reloadOnce) {
  const load = startLoad({ port, keepAlive: 3, fresh: 3, timeoutMs: 5000 });
  const times = [];
  try {
    await load.waitForOk(20);
    for (let i = 1; i <= reloads; i += 1) {
      const t0 = performance.now();
      await reloadOnce(i);
      times.push(performance.now() - t0);
      await load.waitForOk(20, 20_000);
    }
  } finally {
    const stats = await load.stop();
    Object.assign(times, { stats });
  }
  return { failed: times.stats.failures.length, ok: times.stats.ok, reloadMs: median(times) };
}

async function lastcallReloads(reloads) {
  const port = await freePort();
  const h = spawnCommand(
    process.execPath,
    [
      CLI,
      'run',
      '--listen',
      `tcp:127.0.0.1:${port}`,
      '--ready',
      'log:^READY',
      '--reload-signal',
      'SIGHUP',
      '--',
      process.execPath,
      SERVICE,
    ],
    { label: 'lastcall' },
  );
  try {
    await h.waitForLine(/^READY/);
    return await underLoad(port, reloads, async (i) => {
      h.signal('SIGHUP');
      await waitForStderr(h, new RegExp(`reload #${i}: old child \\d+ stopped`));
    });
  } finally {
    h.kill();
  }
}

async function stopStart(reloads) {
  const port = await freePort();
  const start = () =>
    spawnCommand(process.execPath, [CLI, 'run', '--', process.execPath, SERVICE], {
      env: { PORT: String(port) },
      label: 'stop-start',
    });
  let h = start();
  try {
    await h.waitForLine(/^READY/);
    return await underLoad(port, reloads, async () => {
      h.signal('SIGTERM');
      await h.exited;
      h = start();
      await h.waitForLine(/^READY/);
    });
  } finally {
    h.kill();
  }
}

async function pm2Reloads(mode, reloads) {
  const port = await freePort();
  const home = await mkdtemp(path.join(os.tmpdir(), 'lastcall-bench-pm2-'));
  const env = { ...process.env, PM2_HOME: home };
  const pm2 = (...args) => promisify(execFile)(process.execPath, [PM2_BIN, ...args], { env, timeout: 30_000 });
  const app = {
    name: 'svc',
    script: SERVICE,
    exec_mode: mode,
    instances: 1,
    env: { PORT: String(port) },
    wait_ready: true,
    listen_timeout: 10_000,
    kill_timeout: 5000,
    autorestart: true,
  };
  const ecosystem = path.join(home, 'ecosystem.json');
  try {
    await writeFile(ecosystem, JSON.stringify({ apps: [app] }));
    await pm2('start', ecosystem);
    return await underLoad(port, reloads, () => pm2('reload', 'svc'));
  } finally {
    await pm2('kill').catch(() => {});
    await rm(home, { recursive: true, force: true });
  }
}
