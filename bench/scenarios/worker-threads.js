// A server in a worker thread under keep-alive load: SIGTERM reaches only the main thread.
import { LOST_FIGURES, measureLost } from '../keep-alive-loop.js';
import { spawnFixture } from '../lib.js';

const CLIENTS = 50;

export const scenario = {
  name: 'worker-threads',
  title: 'A server in a worker thread',
  meaning:
    `An Express app listening in a worker thread, ${CLIENTS} keep-alive clients (node:http Agent) in a closed loop ` +
    'on requests of 20 ms, SIGTERM in the middle. The main thread has the handler such apps have: ' +
    '`worker.terminate()`, then `process.exit(0)`. lastcall: that app unchanged under `node --import lastcall/auto`; ' +
    'terminus: wired as its README shows, on the server, in the worker thread (where no signal arrives); plain: the ' +
    'app alone. Lost: a request reset mid-way or answered 5xx (lower is better, the target is 0). Refused ' +
    'connections never reached the server (a client stops at its first). SIGTERM→exit: lower is better.',
  libraries: ['lastcall', 'terminus', 'plain'],
  figures: LOST_FIGURES,
  capMs: 10_000,
  quickCapMs: 3000,
  async run({ library, quick, capMs }) {
    const nodeArgs = library === 'lastcall' ? ['--import', 'lastcall/auto'] : [];
    const handle = spawnFixture('worker-threads', library, { nodeArgs, env: { LASTCALL_DEADLINE_MS: '' } });
    return measureLost(handle, { clients: CLIENTS, quick, capMs });
  },
};
