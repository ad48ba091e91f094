// The wirings services really have, under keep-alive load: SIGTERM in the middle, requests counted.
import { LOST_FIGURES, measureLost } from '../keep-alive-loop.js';
import { spawnFixture } from '../lib.js';

const CLIENTS = 50;

export const scenario = {
  name: 'natural-wirings',
  title: 'Natural wirings under keep-alive load',
  meaning:
    `An Express app, ${CLIENTS} keep-alive clients (node:http Agent) in a closed loop on requests of 20 ms, SIGTERM in ` +
    'the middle. lastcall: the app with its own `server.close(() => process.exit(0))` handler, unchanged, run under ' +
    '`lastcall/auto`; lastcall-wired: `life.add("http", server)` with no dependsOn and that handler left beside it; ' +
    'terminus and close-with-grace as their READMEs wire them; plain: the handler alone. Lost: a request reset ' +
    'mid-way or answered 5xx (lower is better, the target is 0). Refused connections never reached the server ' +
    '(a client stops at its first). SIGTERM→exit: lower is better; a hung process is killed at the cap.',
  libraries: ['lastcall', 'lastcall-wired', 'terminus', 'close-with-grace', 'plain'],
  figures: LOST_FIGURES,
  capMs: 10_000,
  quickCapMs: 3000,
  async run({ library, quick, capMs }) {
    const handle = spawnFixture('natural-wirings', library, { env: { LASTCALL_DEADLINE_MS: '' } });
    return measureLost(handle, { clients: CLIENTS, quick, capMs });
  },
};
