// The closed keep-alive loop of http-load, natural-wirings and worker-threads: N clients request one path until the first
// refused connection, SIGTERM after a warm-up, outcomes counted. Plain ESM, no dependencies.
import http from 'node:http';

import { capProcess, hungLabel, sleep } from './lib.js';

/**
 * Waits for `READY <port>` on `handle`, runs `clients` keep-alive clients on `path`, sends SIGTERM after
 * `warmMs`, waits for the exit (capped at `capMs`) and for every client. With `serverErrorsLost` an answer
 * ≥ 500 counts as error5xx, not ok. Resolves { exit, counts: { ok, okAfterSigterm, reset, error5xx, refused } }.
 */
export async function keepAliveLoadThenSigterm(handle, { clients, path, warmMs, capMs, serverErrorsLost = false }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const counts = { ok: 0, okAfterSigterm: 0, reset: 0, error5xx: 0, refused: 0 };
  let sigtermSent = false;
  let stop = false;
  try {
    const port = Number((await handle.waitForLine(/^READY \d+$/)).split(' ')[1]);
    const client = async () => {
      while (!stop) {
        const outcome = await request({ port, path, agent, serverErrorsLost });
        counts[outcome]++;
        if (outcome === 'ok' && sigtermSent) counts.okAfterSigterm++;
        if (outcome === 'refused') return;
      }
    };
    const running = Array.from({ length: clients }, client);
    await sleep(warmMs);
    sigtermSent = true;
    const t0 = handle.signal('SIGTERM');
    const exit = await capProcess(handle, capMs, t0);
    stop = true;
    await Promise.all(running);
    return { exit, counts };
  } finally {
    stop = true;
    agent.destroy();
  }
}

function request({ port, path, agent, serverErrorsLost }) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(serverErrorsLost && res.statusCode >= 500 ? 'error5xx' : 'ok'));
      res.on('error', () => resolve('reset'));
    });
    req.on('error', (error) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
  });
}

/** The figures of the scenarios that count lost requests (natural-wirings, worker-threads). */
export const LOST_FIGURES = {
  exitMs: { label: 'SIGTERM→exit ms', better: 'lower' },
  lost: { label: 'lost', better: 'lower' },
  okAfterSigterm: { label: 'answered after SIGTERM' },
  refused: { label: 'refused' },
  exitCode: { label: 'exit code', kind: 'set' },
};

/** The loop on `/work/20` (answers of 5xx count as lost), as LOST_FIGURES; the process is killed after. */
export async function measureLost(handle, { clients, quick, capMs }) {
  try {
    const { exit, counts } = await keepAliveLoadThenSigterm(handle, {
      clients,
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
}
