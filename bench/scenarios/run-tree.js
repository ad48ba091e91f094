// A child with 2 setsid'd grandchildren: what each supervisor leaves behind when stopped.
import { hungLabel, measureSignalToExit } from '../lib.js';
import { isAlive, killPids, runFixture, RUNNERS, startSupervised } from '../run-peers.js';

export const scenario = {
  name: 'run-tree',
  title: "Supervisor stop: a child with 2 setsid'd grandchildren",
  meaning:
    'Grandchildren (of 2) still alive the moment the supervisor has exited after SIGTERM (lower is ' +
    "better; tini and dumb-init signal only the child or its group, so setsid'd processes stay), and the time.",
  libraries: RUNNERS,
  figures: {
    survivors: { label: 'survivors at exit', better: 'lower' },
    exitMs: { label: 'SIGTERM→exit ms', better: 'lower', digits: 1 },
  },
  capMs: 5000,
  async run({ library, capMs }) {
    const h = startSupervised(library, ['python3', runFixture('tree.py')], ['--deadline', '3s']);
    let pids = [];
    try {
      pids = (await h.waitForLine(/^READY /, 10_000)).split(' ').slice(1).map(Number);
      const r = await measureSignalToExit(h, { capMs });
      if (r.hung) return { survivors: hungLabel(capMs), exitMs: hungLabel(capMs) };
      return { survivors: pids.filter(isAlive).length, exitMs: r.ms };
    } finally {
      h.kill();
      killPids(pids);
    }
  },
};
