// What a supervisor costs: resident memory of the supervisor process, and spawn → child READY.
import { performance } from 'node:perf_hooks';

import { measureSignalToExit } from '../lib.js';
import { rssKb, runFixture, RUNNERS, startSupervised } from '../run-peers.js';

export const scenario = {
  name: 'run-cost',
  title: 'Supervisor cost: memory and start-up latency',
  meaning:
    "The supervisor's own resident memory (MB, the child excluded) and the time from spawning it to " +
    "the child's READY line (ms); lower is better. lastcall is a Node process (~40 MB), tini and dumb-init are C.",
  libraries: RUNNERS,
  figures: {
    rssMb: { label: 'supervisor RSS MB', better: 'lower', digits: 1 },
    startMs: { label: 'spawn→child READY ms', better: 'lower', digits: 1 },
  },
  capMs: 5000,
  async run({ library, capMs }) {
    const t0 = performance.now();
    const h = startSupervised(library, [process.execPath, runFixture('exit-on-term.js')]);
    try {
      await h.waitForLine(/^READY/, 10_000);
      const startMs = performance.now() - t0;
      // Settled memory: after start-up work (module loading, the first tree walk) is done.
      await new Promise((r) => setTimeout(r, 300));
      const rssMb = rssKb(h.pid) / 1024;
      await measureSignalToExit(h, { capMs });
      return { rssMb, startMs };
    } finally {
      h.kill();
    }
  },
};
