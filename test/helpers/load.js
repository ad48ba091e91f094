// Closed-loop keep-alive HTTP load, counting what each request became. Lost: a request reset
// mid-way (ECONNRESET, "socket hang up": it may or may not have run) or answered 5xx. Refused
// connections never reached the server (safe to retry elsewhere): a client stops at its first.
import http from 'node:http';

export function startLoad(port, { clients = 20, path = '/work/20' } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const counts = { ok: 0, okAfterStop: 0, reset: 0, error5xx: 0, refused: 0 };
  let stopping = false;
  let done = false;
  let warmed;
  const one = () =>
    new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode >= 500 ? 'error5xx' : 'ok'));
        res.on('error', () => resolve('reset'));
      });
      req.on('error', (error) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
    });
  const client = async () => {
    while (!done) {
      const outcome = await one();
      counts[outcome]++;
      if (warmed && counts.ok >= warmed.n) warmed.resolve();
      if (outcome === 'ok' && stopping) counts.okAfterStop++;
      if (outcome === 'refused') return;
    }
  };
  const running = Promise.all(Array.from({ length: clients }, client));
  return {
    counts,
    /** The server is being stopped from now on. */
    stopping: () => (stopping = true),
    /** Resolves once `n` requests were answered (the load is really running). */
    warm(n = clients * 2) {
      return counts.ok >= n ? Promise.resolve() : new Promise((resolve) => (warmed = { n, resolve }));
    },
    async stop() {
      done = true;
      await running;
      agent.destroy();
      return { ...counts, lost: counts.reset + counts.error5xx };
    },
  };
}
