// A small bounded HTTP load client for 127.0.0.1: `keepAlive` workers share a keep-alive agent (one
// socket each, reused), `fresh` workers open a new connection per request. Every request that is
// refused, reset, times out or gets a non-2xx status is a failure, kept with its error code, but for
// one case every careful client retries (undici and browsers do; Node's docs show how, under
// `request.reusedSocket`): a GET sent on a reused keep-alive socket that the server closed at that
// very moment is reset before any byte of an answer, so it never ran. That one is sent again, once,
// and counted in `retried`; whether the server cut anything it had received is for its own report.
import http from 'node:http';

export function startLoad({ port, socketPath, keepAlive = 3, fresh = 3, pauseMs = 2, timeoutMs = 10_000 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: keepAlive });
  const stats = { ok: 0, failures: [], retried: 0, pids: new Map() };
  let running = true;
  const one = (reuse, retry = true) =>
    new Promise((resolve) => {
      const target = socketPath ? { socketPath } : { host: '127.0.0.1', port };
      const req = http.get({ ...target, path: '/', agent: reuse ? agent : false, timeout: timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c) => (body += c));
        res.on('end', () => {
          if (res.statusCode >= 200 && res.statusCode < 300) {
            stats.ok += 1;
            const pid = body.trim();
            stats.pids.set(pid, (stats.pids.get(pid) ?? 0) + 1);
          } else stats.failures.push(`status ${res.statusCode}`);
          resolve();
        });
        res.on('error', (e) => (stats.failures.push(`response ${e.code ?? e.message}`), resolve()));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (e) => {
        if (retry && req.reusedSocket && e.code === 'ECONNRESET') {
          stats.retried += 1;
          return resolve(one(reuse, false));
        }
        stats.failures.push(e.code ?? e.message);
        resolve();
      });
    });
  const worker = async (reuse) => {
    while (running) {
      await one(reuse);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const workers = [
    ...Array.from({ length: keepAlive }, () => worker(true)),
    ...Array.from({ length: fresh }, () => worker(false)),
  ];
  return {
    stats,
    /** Resolves once `n` more requests succeeded (or rejects after `ms`). */
    async waitForOk(n, ms = 10_000) {
      const target = stats.ok + n;
      const until = performance.now() + ms;
      while (stats.ok < target) {
        if (performance.now() > until)
          throw new Error(`fewer than ${n} requests succeeded within ${ms} ms: ${JSON.stringify(summary(stats))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return summary(stats);
    },
  };
}

function summary(stats) {
  return { ok: stats.ok, failures: stats.failures, retried: stats.retried, pids: [...stats.pids.keys()] };
}
