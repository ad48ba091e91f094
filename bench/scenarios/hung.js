// Three close steps that never settle; step timeout 200 ms, deadline 1000 ms; SIGTERM.
import { runToExit } from '../lib.js';

export const scenario = {
  name: 'hung',
  title: 'Three close steps that never settle',
  meaning:
    'Time from SIGTERM to process exit when three close steps hang forever (step timeout 200 ms, ' +
    'deadline 1000 ms, each library configured as closely as it allows); lower is better, and the exit ' +
    'code should be non-zero because the shutdown was not clean.',
  libraries: ['lastcall', 'close-with-grace', 'lightship', 'terminus', 'plain'],
  figures: {
    exitMs: { label: 'SIGTERM→exit ms', better: 'lower' },
    exitCode: { label: 'exit code', kind: 'set' },
  },
  capMs: 5000,
  quickCapMs: 2000,
  run: ({ library, capMs }) => runToExit('hung', library, { capMs }),
};
