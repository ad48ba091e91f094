// A crash-looping child under `lastcall run --restart on-failure --backoff 100ms..800ms --max-restarts 4`,
// and under PM2 with its closest settings (exp_backoff_restart_delay 100, max_restarts 4).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { capProcess, rootDir, sleep } from '../lib.js';
import { startSupervised } from '../run-peers.js';

const SCHEDULE = [100, 200, 400, 800];
const PM2_BIN = path.join(rootDir, 'node_modules', 'pm2', 'bin', 'pm2');

export const scenario = {
  name: 'run-restart',
  title: 'Crash loop: restart delays and give-up',
  meaning:
    `Restart delays chosen (ms) for a configured schedule of ${SCHEDULE.join(', ')} ms ±20 % jitter, the ` +
    'largest deviation from it (%, lower is better; ≤ 20 is on schedule) and the exit code after giving up ' +
    '(123). tini and dumb-init do not restart. PM2 (a daemon, in a throw-away PM2_HOME) cannot express this ' +
    'schedule: --exp-backoff-restart-delay 100 multiplies by 1.5 (no factor, maximum or jitter setting; capped ' +
    'at 15 s), and --max-restarts counts restarts of less than min_uptime (1 s) within max_restarts × min_uptime; ' +
    'so with 4 it gives up after 3 restarts. The delays are those its daemon log says it chose. Giving up leaves ' +
    'no exit code (the daemon lives on); PM2 7 then even shows the app as "waiting restart" (it logs one more ' +
    'delay after giving up but never restarts).',
  libraries: ['lastcall', 'pm2'],
  figures: {
    delays: { label: 'delays ms', kind: 'set' },
    deviationPct: { label: 'max deviation %', better: 'lower', digits: 1 },
    exitCode: { label: 'give-up exit code', kind: 'set' },
  },
  capMs: 10_000,
  async run({ library, capMs }) {
    const delays = library === 'pm2' ? await pm2Delays(capMs) : await lastcallDelays(capMs);
    const deviationPct = Math.max(...delays.list.map((d, i) => (Math.abs(d - SCHEDULE[i]) / SCHEDULE[i]) * 100));
    return { delays: delays.list.join(','), deviationPct, exitCode: delays.exitCode };
  },
};

async function lastcallDelays(capMs) {
  const flags = [
    '--restart',
    'on-failure',
    '--backoff',
    '100ms..800ms',
    '--max-restarts',
    String(SCHEDULE.length),
    '--json',
  ];
  const h = startSupervised('lastcall', ['sh', '-c', 'exit 3'], flags);
  try {
    const r = await capProcess(h, capMs);
    if (r.hung) throw new Error('lastcall run did not give up within the cap');
    const report = JSON.parse(h.lines.join('\n'));
    return { list: report.runs.map((run) => run.restartDelayMs).filter((d) => d !== undefined), exitCode: r.code };
  } finally {
    h.kill();
  }
}

/** The same child under a PM2 daemon of its own; the daemon is killed and its home removed after. */
async function pm2Delays(capMs) {
  const home = await mkdtemp(path.join(os.tmpdir(), 'lastcall-bench-pm2-'));
  const env = { ...process.env, PM2_HOME: home };
  const pm2 = (...args) => promisify(execFile)(process.execPath, [PM2_BIN, ...args], { env, timeout: capMs });
  const app = {
    name: 'crash',
    script: '/bin/sh',
    args: ['-c', 'exit 3'],
    interpreter: 'none',
    exp_backoff_restart_delay: SCHEDULE[0],
    max_restarts: SCHEDULE.length,
  };
  const ecosystem = path.join(home, 'ecosystem.json');
  try {
    await writeFile(ecosystem, JSON.stringify({ apps: [app] }));
    await pm2('start', ecosystem);
    const log = path.join(home, 'pm2.log');
    const until = performance.now() + capMs;
    for (let text = ''; performance.now() < until; await sleep(50)) {
      text = await readFile(log, 'utf8').catch(() => '');
      const gaveUp = text.search(/too many unstable restarts/);
      if (gaveUp < 0) continue;
      // PM2 logs one more "will restart in" right after giving up, for a restart it never makes.
      const list = [...text.slice(0, gaveUp).matchAll(/will restart in (\d+)ms/g)].map((m) => Number(m[1]));
      const { stdout } = await pm2('jlist');
      const status = JSON.parse(stdout).find((p) => p.name === app.name)?.pm2_env?.status ?? 'gone';
      return { list, exitCode: `none (status "${status}")` };
    }
    throw new Error('PM2 did not give up within the cap');
  } finally {
    await pm2('kill').catch(() => {});
    await rm(home, { recursive: true, force: true });
  }
}
