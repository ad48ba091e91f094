// A crash-looping child under `lastcall run --restart on-failure --backoff 100ms..800ms --max-restarts 4`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { capProcess, rootDir } from '../lib.js';
import { startSupervised } from '../run-peers.js';

const SCHEDULE = [100, 200, 400, 800];

export const scenario = {
  name: 'run-restart',
  title: 'Crash loop: restart delays and give-up',
  meaning: `Restart delays chosen (ms) for a configured schedule of ${SCHEDULE.join(', ')} ms ±20 % jitter, the ` +
    'largest deviation from it (%, lower is better; ≤ 20 is on schedule) and the exit code after giving up ' +
    '(123). tini and dumb-init do not restart; PM2 is a daemon, not a devDependency here.',
  libraries: ['lastcall', 'pm2'],
  figures: {
    delays: { label: 'delays ms', kind: 'set' },
    deviationPct: { label: 'max deviation %', better: 'lower', digits: 1 },
    exitCode: { label: 'give-up exit code', kind: 'set' },
  },
  capMs: 10_000,
  async run({ library, capMs }) {
    if (library === 'pm2') {
      const pm2 = path.join(rootDir, 'node_modules', '.bin', 'pm2');
      if (!existsSync(pm2) && spawnSync('sh', ['-c', 'command -v pm2']).status !== 0) {
        throw new Error('skipped: pm2 is not installed (not a devDependency: a daemon with its own home directory, unsuited to a bench run)');
      }
      throw new Error('skipped: pm2 restart delays are not measured by this scenario yet');
    }
    const flags = ['--restart', 'on-failure', '--backoff', '100ms..800ms', '--max-restarts', String(SCHEDULE.length), '--json'];
    const h = startSupervised('lastcall', ['sh', '-c', 'exit 3'], flags);
    try {
      const r = await capProcess(h, capMs);
      if (r.hung) throw new Error('lastcall run did not give up within the cap');
      const report = JSON.parse(h.lines.join('\n'));
      const delays = report.runs.map((run) => run.restartDelayMs).filter((d) => d !== undefined);
      const deviationPct = Math.max(...delays.map((d, i) => (Math.abs(d - SCHEDULE[i]) / SCHEDULE[i]) * 100));
      return { delays: delays.join(','), deviationPct, exitCode: r.code };
    } finally {
      h.kill();
    }
  },
};
