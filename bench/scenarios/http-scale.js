// Idle keep-alive sockets at three sizes (1k, 10k, 30k; fewer in quick mode or where the machine
// caps them): SIGTERM→exit at each, to show the cost per socket and that it grows linearly.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { openIdle } from '../fixtures/http-drain/_client.js';
import { capProcess, hungLabel, spawnFixture } from '../lib.js';

const SIZES = [1000, 10_000, 30_000];
const QUICK_SIZES = [200, 1000, 2000];
const IDLE_MS = 200;

/**
 * The socket count this machine allows: both ends live here, so each process needs one fd per
 * socket (`ulimit -n`), and every connection from 127.0.0.1 needs its own ephemeral port.
 */
function socketLimit() {
  let limit = Infinity;
  try {
    limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) - 200 || Infinity;
  } catch {
    // no shell: keep the wanted count
  }
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    limit = Math.min(limit, high - low - 1000);
  } catch {
    // not Linux: no port range to read
  }
  return limit;
}

const label = (n) => `${n / 1000}k`;
/** Figure labels are fixed before the mode is known: each names its size in both modes. */
const sizeLabel = (i) => `SIGTERM→exit ms, ${label(SIZES[i])} (quick: ${QUICK_SIZES[i]})`;

export const scenario = {
  name: 'http-scale',
  title: 'HTTP drain with many idle keep-alive sockets',
  meaning:
    `${SIZES.map(label).join(', ')} idle keep-alive sockets (${QUICK_SIZES.join(', ')} in quick mode; capped by \`ulimit -n\` ` +
    'and the ephemeral port range, see "largest"), each idle for 200 ms, nothing in flight: SIGTERM→exit at each size, ' +
    'lower is better, and it should grow linearly with the count; reset: sockets that saw RST instead of FIN, over all ' +
    'sizes, lower is better.',
  libraries: ['lastcall', 'terminus', 'stoppable', 'http-terminator', 'plain'],
  figures: {
    exitSmall: { label: sizeLabel(0), better: 'lower' },
    exitMedium: { label: sizeLabel(1), better: 'lower' },
    exitLarge: { label: sizeLabel(2), better: 'lower' },
    largest: { label: 'largest (sockets)' },
    reset: { label: 'reset', better: 'lower' },
  },
  capMs: 15_000,
  quickCapMs: 3000,
  async run({ library, quick, capMs }) {
    const limit = socketLimit();
    const counts = (quick ? QUICK_SIZES : SIZES).map((n) => Math.max(100, Math.min(n, limit)));
    const exits = [];
    let reset = 0;
    for (const count of counts) {
      const { exitMs, resets } = await drainIdle(library, count, capMs);
      exits.push(exitMs);
      reset += resets;
    }
    return { exitSmall: exits[0], exitMedium: exits[1], exitLarge: exits[2], largest: counts[2], reset };
  },
};

async function drainIdle(library, count, capMs) {
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
    return { exitMs: exit.hung ? hungLabel(capMs) : exit.ms, resets: connections.filter((c) => c.reset).length };
  } finally {
    handle.kill();
    for (const c of connections) c.destroy();
  }
}
