// Requests/s through each library's tracking vs bare node:http, measured in the same run.
import { closedLoop } from '../fixtures/http-overhead/_load.js';
import { spawnFixture } from '../lib.js';

const CONNECTIONS = 32;

export const scenario = {
  name: 'http-overhead',
  title: 'HTTP tracking overhead (requests/s)',
  meaning:
    `A closed loop of ${CONNECTIONS} keep-alive connections against a server answering "ok", with each library's ` +
    'tracking attached and without it (bare node:http), alternated within one run: requests/s, higher is better; ' +
    '"× bare" is the library\'s requests/s over bare node:http in that same run (1 = no cost; target ≥ 0.97).',
  libraries: ['lastcall', 'stoppable', 'http-terminator'],
  figures: {
    rps: { label: 'requests/s', better: 'higher', digits: 0 },
    bareRps: { label: 'bare node:http requests/s', digits: 0 },
    vsBare: { label: '× bare node:http', better: 'higher', digits: 3 },
  },
  capMs: 60_000,
  quickCapMs: 10_000,
  async run({ library, quick }) {
    const segmentMs = quick ? 500 : 2000;
    const segments = quick ? 2 : 6; // alternating bare / library, starting with each in turn
    const bare = spawnFixture('http-overhead', 'bare');
    const tracked = spawnFixture('http-overhead', library);
    try {
      const port = async (handle) => Number((await handle.waitForLine(/^READY \d+$/)).split(' ')[1]);
      const [barePort, trackedPort] = await Promise.all([port(bare), port(tracked)]);
      // Warm both up (JIT) before measuring.
      await closedLoop(barePort, { connections: CONNECTIONS, durationMs: quick ? 200 : 1000 });
      await closedLoop(trackedPort, { connections: CONNECTIONS, durationMs: quick ? 200 : 1000 });
      const bareRuns = [];
      const trackedRuns = [];
      for (let i = 0; i < segments; i++) {
        const order = i % 2 === 0 ? ['bare', 'tracked'] : ['tracked', 'bare'];
        for (const which of order) {
          const rps = await closedLoop(which === 'bare' ? barePort : trackedPort, {
            connections: CONNECTIONS,
            durationMs: segmentMs,
          });
          (which === 'bare' ? bareRuns : trackedRuns).push(rps);
        }
      }
      const sum = (xs) => xs.reduce((a, b) => a + b, 0);
      const rps = sum(trackedRuns) / trackedRuns.length;
      const bareRps = sum(bareRuns) / bareRuns.length;
      return { rps, bareRps, vsBare: rps / bareRps };
    } finally {
      bare.kill();
      tracked.kill();
    }
  },
};
