// `lastcall run` vs tini and dumb-init in front of a child that exits at once on SIGTERM.
import { hungLabel, measureSignalToExit } from '../lib.js';
import { runFixture, RUNNERS, startSupervised } from '../run-peers.js';

export const scenario = {
  name: 'run-stop',
  title: 'Supervisor stop: a child that exits at once on SIGTERM',
  meaning:
    'SIGTERM to the supervisor → supervisor exit, in ms (lower is better; the child and its ' +
    'whole tree are confirmed gone first for lastcall); target ≤ 1.1× tini.',
  libraries: RUNNERS,
  figures: {
    exitMs: { label: 'SIGTERM→exit ms', better: 'lower', digits: 1 },
    exitCode: { label: 'exit code', kind: 'set' },
  },
  capMs: 5000,
  async run({ library, capMs }) {
    const h = startSupervised(library, [process.execPath, runFixture('exit-on-term.js')]);
    try {
      await h.waitForLine(/^READY/, 10_000);
      const r = await measureSignalToExit(h, { capMs });
      return r.hung
        ? { exitMs: hungLabel(capMs), exitCode: hungLabel(capMs) }
        : { exitMs: r.ms, exitCode: r.code ?? r.signal };
    } finally {
      h.kill();
    }
  },
};
