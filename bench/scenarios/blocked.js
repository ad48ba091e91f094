// One close step spins forever (`for (;;) {}`); deadline 1000 ms; SIGTERM.
import { runToExit } from '../lib.js';

export const scenario = {
  name: 'blocked',
  title: 'A close step that blocks the event loop forever',
  meaning:
    'Time from SIGTERM to process exit when one close step runs `for (;;) {}` (deadline 1000 ms); ' +
    'lower is better. A timer-based deadline cannot fire on a blocked event loop, so such a process ' +
    'runs until the cap SIGKILLs it.',
  libraries: ['lastcall', 'close-with-grace', 'lightship', 'terminus', 'plain'],
  figures: {
    exitMs: { label: 'SIGTERM→exit ms', better: 'lower' },
    exitCode: { label: 'exit code', kind: 'set' },
  },
  capMs: 5000,
  quickCapMs: 2000,
  run: ({ library, capMs }) => runToExit('blocked', library, { capMs }),
};
