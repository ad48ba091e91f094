// Doctor's own overhead: the requests/s its load client (build/modules/cli/doctor/load.js, the one doctor
// uses) reaches against bare node:http at 20 connections, next to autocannon in the same run.
import autocannon from 'autocannon';

import { rootDir, spawnFixture } from '../lib.js';

const CONNECTIONS = 20;

async function doctorClient(url, durationMs) {
  const { LoadClients } = await import(`${rootDir}/build/modules/cli/doctor/load.js`);
  const load = new LoadClients(url, CONNECTIONS, performance.now());
  const start = performance.now();
  load.start();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  load.stop();
  const ok = load.records.filter((r) => r.outcome === 'ok').length;
  return ok / ((performance.now() - start) / 1000);
}

async function autocannonClient(url, durationMs) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: durationMs / 1000 });
  return result.requests.total / (durationMs / 1000);
}

export const scenario = {
  name: 'doctor-cost',
  title: `Doctor's load client vs autocannon, ${CONNECTIONS} keep-alive connections against bare node:http`,
  meaning:
    'Requests/s each client reaches against the same bare node:http server (each in its own round, same run): higher is better; ' +
    '"lastcall" is the closed-loop client `lastcall doctor` drives services with; a ratio near 1 means doctor\'s client is not the bottleneck.',
  libraries: ['lastcall', 'autocannon'],
  figures: {
    rps: { label: 'requests/s', better: 'higher', digits: 0 },
  },
  capMs: 30_000,
  quickCapMs: 10_000,
  async run({ library, quick }) {
    const server = spawnFixture('http-overhead', 'bare');
    try {
      const port = Number((await server.waitForLine(/^READY \d+$/)).split(' ')[1]);
      const url = `http://127.0.0.1:${port}/`;
      const client = library === 'lastcall' ? doctorClient : autocannonClient;
      await client(url, quick ? 300 : 1000); // warm-up (JIT on both sides)
      return { rps: await client(url, quick ? 1000 : 3000) };
    } finally {
      server.kill();
    }
  },
};
