// 200 idle keep-alive sockets, 20 in-flight requests of 300 ms, SIGTERM 50 ms after they start,
// then 10 requests on idle keep-alive sockets 20 ms after SIGTERM.
import { openIdle, RawConnection, requestLikeAPool } from '../fixtures/http-drain/_client.js';
import { capProcess, hungLabel, sleep, spawnFixture } from '../lib.js';

const IDLE = 200;
const IN_FLIGHT = 20;
const LATE = 10;

export const scenario = {
  name: 'http-drain',
  title: 'HTTP drain under keep-alive',
  meaning:
    `${IDLE} idle keep-alive sockets, ${IN_FLIGHT} requests of 300 ms in flight, SIGTERM 50 ms after they start, then ` +
    `${LATE} requests on the idle keep-alive sockets 20 ms after SIGTERM (a closed socket means a new connection, as a ` +
    'pool does). SIGTERM→exit: lower is better, the floor is the 250 ms left of the in-flight requests. In-flight OK: ' +
    'higher is better. Late requests: served is best, refused (nothing ran, safe to retry elsewhere) is next, reset ' +
    '(the request may or may not have run) is the failure.',
  libraries: ['lastcall', 'terminus', 'stoppable', 'http-terminator', 'lightship', 'close-with-grace', 'plain'],
  figures: {
    exitMs: { label: 'SIGTERM→exit ms', better: 'lower' },
    inFlightOk: { label: `in-flight OK /${IN_FLIGHT}`, better: 'higher' },
    lateServed: { label: `late served /${LATE}`, better: 'higher' },
    lateRefused: { label: 'late refused' },
    lateReset: { label: 'late reset', better: 'lower' },
    exitCode: { label: 'exit code', kind: 'set' },
  },
  capMs: 15_000,
  quickCapMs: 1500,
  async run({ library, capMs }) {
    const handle = spawnFixture('http-drain', library);
    const connections = [];
    try {
      const port = Number((await handle.waitForLine(/^READY \d+$/)).split(' ')[1]);
      const idle = await openIdle(port, IDLE);
      connections.push(...idle);
      const slow = Array.from({ length: IN_FLIGHT }, () => new RawConnection(port));
      connections.push(...slow);
      const inFlight = Promise.all(slow.map((c) => c.request('/slow')));
      await sleep(50);
      const t0 = handle.signal('SIGTERM');
      await sleep(20);
      const late = Promise.all(idle.slice(0, LATE).map((c) => requestLikeAPool(c, port, '/')));
      const exit = await capProcess(handle, capMs, t0);
      const [inFlightOutcomes, lateOutcomes] = await Promise.all([inFlight, late]);
      const count = (list, outcome) => list.filter((o) => o === outcome).length;
      return {
        exitMs: exit.hung ? hungLabel(capMs) : exit.ms,
        inFlightOk: count(inFlightOutcomes, 'served'),
        lateServed: count(lateOutcomes, 'served'),
        lateRefused: count(lateOutcomes, 'refused'),
        lateReset: count(lateOutcomes, 'reset'),
        exitCode: exit.hung ? hungLabel(capMs) : (exit.code ?? exit.signal),
      };
    } finally {
      handle.kill();
      for (const c of connections) c.destroy();
    }
  },
};
