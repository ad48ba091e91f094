// 10,000 idle keep-alive sockets (2,000 in quick mode): SIGTERM→exit.
import { execFileSync } from 'node:child_process';
import { capProcess, hungLabel, spawnFixture } from '../lib.js';
import { openIdle } from '../fixtures/http-drain/_client.js';

const SOCKETS = 10_000;
const QUICK_SOCKETS = 2000;
const IDLE_MS = 200;

/** The socket count this machine allows: both ends live here, so each process needs one fd per socket. */
function socketCount(quick) {
  const wanted = quick ? QUICK_SOCKETS : SOCKETS;
  let limit = Infinity;
  try {
    limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || Infinity;
  } catch {
    // no shell: keep the wanted count
  }
  return Math.max(100, Math.min(wanted, limit - 200));
}

export const scenario = {
  name: 'http-scale',
  title: 'HTTP drain with many idle keep-alive sockets',
  meaning:
    `${SOCKETS.toLocaleString('en')} idle keep-alive sockets (${QUICK_SOCKETS.toLocaleString('en')} in quick mode, fewer if ` +
    '`ulimit -n` is lower), each idle for 200 ms, nothing in flight: SIGTERM→exit, lower is better (target < 300 ms); reset: sockets that ' +
    'saw RST instead of FIN, lower is better.',
  libraries: ['lastcall', 'terminus', 'stoppable', 'http-terminator', 'plain'],
  figures: {
    exitMs: { label: 'SIGTERM→exit ms', better: 'lower' },
    sockets: { label: 'idle sockets' },
    reset: { label: 'reset', better: 'lower' },
  },
  capMs: 15_000,
  quickCapMs: 3000,
  async run({ library, quick, capMs }) {
    const count = socketCount(quick);
    const handle = spawnFixture('http-drain', library);
    let connections = [];
    try {
      const port = Number((await handle.waitForLine(/^READY \d+$/)).split(' ')[1]);
      connections = await openIdle(port, count, 500);
      // Idle means idle: past any reuse grace a server may give a socket it just answered on.
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const t0 = handle.signal('SIGTERM');
      const exit = await capProcess(handle, capMs, t0);
      await Promise.all(connections.map((c) => c.ended()));
      return {
        exitMs: exit.hung ? hungLabel(capMs) : exit.ms,
        sockets: count,
        reset: connections.filter((c) => c.reset).length,
      };
    } finally {
      handle.kill();
      for (const c of connections) c.destroy();
    }
  },
};
