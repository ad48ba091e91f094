// A child blocked writing 8 MiB to a stdout pipe nobody reads; time for the parent to close it.
import { hungLabel, spawnFixture } from '../lib.js';

export const scenario = {
  name: 'pipe-close',
  title: 'Closing a child blocked on a full stdout pipe',
  meaning:
    "Time from the start of close to the child's exit, when the child is blocked in a synchronous " +
    '8 MiB write to a stdout pipe the parent stopped reading (paused), and has its own SIGTERM handler; lower is better ' +
    '(plain Node and execa wait EOF→5 s→SIGTERM→5 s→SIGKILL; quick mode caps them).',
  libraries: ['lastcall', 'plain', 'execa'],
  figures: {
    closeMs: { label: 'close ms', better: 'lower' },
    endedBy: { label: 'ended by', kind: 'set' },
  },
  capMs: 15_000,
  quickCapMs: 1500,
  async run({ library, capMs }) {
    const handle = spawnFixture('pipe-close', library);
    try {
      const line = await handle.waitForLine(/^RESULT /, capMs).catch(() => undefined);
      if (line === undefined) return { closeMs: hungLabel(capMs), endedBy: hungLabel(capMs) };
      const [, ms, endedBy] = line.split(' ');
      return { closeMs: Number(ms), endedBy };
    } finally {
      handle.kill();
    }
  },
};
