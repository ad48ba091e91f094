// A parent whose child started two grandchildren (one of them in a new session); the parent is stopped
// with SIGTERM, and separately with SIGKILL. Figures: grandchildren still alive afterwards (of 2).
import { readFileSync } from 'node:fs';

import { spawnFixture } from '../lib.js';

export const scenario = {
  name: 'orphans',
  title: 'Grandchildren left behind when the parent stops',
  meaning:
    'Grandchildren (of 2) still alive after the parent is stopped with SIGTERM, and after it is ' +
    'SIGKILLed (nothing in the parent runs); lower is better, 0 means no orphans.',
  libraries: ['lastcall', 'plain', 'execa', 'tree-kill'],
  figures: {
    afterTerm: { label: 'survivors after SIGTERM', better: 'lower' },
    afterKill: { label: 'survivors after SIGKILL', better: 'lower' },
  },
  capMs: 8000,
  quickCapMs: 4000,
  async run({ library, quick }) {
    const settleMs = quick ? 500 : 1000;
    return {
      afterTerm: await survivors(library, 'SIGTERM', settleMs),
      afterKill: await survivors(library, 'SIGKILL', settleMs),
    };
  },
};

async function survivors(library, signal, settleMs) {
  const handle = spawnFixture('orphans', library);
  let pids = [];
  try {
    pids = (await handle.waitForLine(/^READY /, 5000)).split(' ').slice(1).map(Number);
    handle.signal(signal);
    await Promise.race([handle.exited, new Promise((r) => setTimeout(r, 2000))]);
    // Give whatever cleans up (a tree walk, a guardian) time to act; stop early once none are left.
    const until = Date.now() + settleMs;
    while (pids.some(isAlive) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return pids.filter(isAlive).length;
  } finally {
    handle.kill();
    for (const pid of pids)
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  }
}

function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}
