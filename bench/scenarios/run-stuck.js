// A child that ignores SIGTERM: lastcall with --deadline 1s SIGKILLs it; tini and dumb-init wait.
import { hungLabel, measureSignalToExit } from '../lib.js';
import { isAlive, killPids, runFixture, RUNNERS, startSupervised } from '../run-peers.js';

export const scenario = {
  name: 'run-stuck',
  title: 'Supervisor stop: a child that ignores SIGTERM (lastcall --deadline 1s)',
  meaning:
    'SIGTERM → supervisor exit in ms (target ≤ 1100 for lastcall: deadline + 100 ms) and processes ' +
    'of the child still alive afterwards; tini and dumb-init have no deadline and hang until the cap.',
  libraries: RUNNERS,
  figures: {
    exitMs: { label: 'SIGTERM→exit ms', better: 'lower', digits: 1 },
    survivors: { label: 'survivors', better: 'lower' },
  },
  capMs: 3000,
  quickCapMs: 2000,
  async run({ library, capMs }) {
    const h = startSupervised(library, [runFixture('stuck.sh')], ['--deadline', '1s']);
    let pids = [];
    try {
      pids = [Number((await h.waitForLine(/^READY /, 10_000)).split(' ')[1])];
      const r = await measureSignalToExit(h, { capMs });
      if (r.hung) return { exitMs: hungLabel(capMs), survivors: hungLabel(capMs) };
      return { exitMs: r.ms, survivors: pids.filter(isAlive).length };
    } finally {
      h.kill();
      killPids(pids);
    }
  },
};
