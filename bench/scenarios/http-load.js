// 100 keep-alive clients (node:http Agent) in a closed loop; SIGTERM in the middle.
import http from 'node:http';

import { capProcess, hungLabel, sleep, spawnFixture } from '../lib.js';

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
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const counts = { ok: 0, okAfterSigterm: 0, reset: 0, refused: 0 };
    let sigtermSent = false;
    let stop = false;
    try {
      const port = Number((await handle.waitForLine(/^READY \d+$/)).split(' ')[1]);
      const client = async () => {
        while (!stop) {
          const outcome = await request(port, agent);
          if (outcome === 'ok') {
            counts.ok++;
            if (sigtermSent) counts.okAfterSigterm++;
          } else counts[outcome]++;
          if (outcome === 'refused') return;
        }
      };
      const clients = Array.from({ length: CLIENTS }, client);
      await sleep(quick ? 500 : 2000);
      sigtermSent = true;
      const t0 = handle.signal('SIGTERM');
      const exit = await capProcess(handle, capMs, t0);
      stop = true;
      await Promise.all(clients);
      return { exitMs: exit.hung ? hungLabel(capMs) : exit.ms, ...counts };
    } finally {
      stop = true;
      handle.kill();
      agent.destroy();
    }
  },
};

function request(port, agent) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/wait/5', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve('ok'));
      res.on('error', () => resolve('reset'));
    });
    req.on('error', (error) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
  });
}
