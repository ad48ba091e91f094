// 100 keep-alive clients (node:http Agent) in a closed loop; SIGTERM in the middle.
import { keepAliveLoadThenSigterm } from '../keep-alive-loop.js';
import { hungLabel, spawnFixture } from '../lib.js';

const CLIENTS = 100;

export const scenario = {
  name: 'http-load',
  title: 'HTTP drain under load',
  meaning:
    `${CLIENTS} keep-alive clients (node:http Agent) in a closed loop on requests of 5 ms; SIGTERM in the middle. ` +
    'A client stops at its first refused connection. Reset: a request that got ECONNRESET or "socket hang up" ' +
    '(it may have run, the client cannot know): lower is better, the target is 0. Refused requests never reached ' +
    'the server and are safe to retry elsewhere. SIGTERM→exit: lower is better.',
  libraries: ['lastcall', 'terminus', 'stoppable', 'http-terminator', 'plain'],
  figures: {
    exitMs: { label: 'SIGTERM→exit ms', better: 'lower' },
    ok: { label: 'answered' },
    okAfterSigterm: { label: 'answered after SIGTERM' },
    reset: { label: 'reset', better: 'lower' },
    refused: { label: 'refused' },
  },
  capMs: 15_000,
  quickCapMs: 2000,
  async run({ library, quick, capMs }) {
    const handle = spawnFixture('http-drain', library);
    try {
      const { exit, counts } = await keepAliveLoadThenSigterm(handle, {
        clients: CLIENTS,
        path: '/wait/5',
        warmMs: quick ? 500 : 2000,
        capMs,
      });
      const { ok, okAfterSigterm, reset, refused } = counts;
      return { exitMs: exit.hung ? hungLabel(capMs) : exit.ms, ok, okAfterSigterm, reset, refused };
    } finally {
      handle.kill();
    }
  },
};
