// A server in a worker thread under keep-alive load: SIGTERM reaches only the main thread.
import { keepAliveLoadThenSigterm } from '../keep-alive-loop.js';
import { hungLabel, spawnFixture } from '../lib.js';

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
  figures: {
    exitMs: { label: 'SIGTERM→exit ms', better: 'lower' },
    lost: { label: 'lost', better: 'lower' },
    okAfterSigterm: { label: 'answered after SIGTERM' },
    refused: { label: 'refused' },
    exitCode: { label: 'exit code', kind: 'set' },
  },
  capMs: 10_000,
  quickCapMs: 3000,
  async run({ library, quick, capMs }) {
    const nodeArgs = library === 'lastcall' ? ['--import', 'lastcall/auto'] : [];
    const handle = spawnFixture('worker-threads', library, { nodeArgs, env: { LASTCALL_DEADLINE_MS: '' } });
    try {
      const { exit, counts } = await keepAliveLoadThenSigterm(handle, {
        clients: CLIENTS,
        path: '/work/20',
        warmMs: quick ? 300 : 1000,
        capMs,
        serverErrorsLost: true,
      });
      return {
        exitMs: exit.hung ? hungLabel(capMs) : exit.ms,
        lost: counts.reset + counts.error5xx,
        okAfterSigterm: counts.okAfterSigterm,
        refused: counts.refused,
        exitCode: exit.hung ? hungLabel(capMs) : (exit.code ?? exit.signal),
      };
    } finally {
      handle.kill();
    }
  },
};
