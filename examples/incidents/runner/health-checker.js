// Polls a health URL every `intervalMs`, one request at a time, as a load balancer or kubelet does, and
// records the longest gap between two answered checks (the last gap ends when the service exits).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

const check = (url) =>
  new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
  });

export function startHealthChecker(url, { intervalMs = 100 } = {}) {
  let lastOkMs = performance.now();
  let longestGapMs = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const ok = await check(url);
      if (!running) break;
      if (ok) {
        const now = performance.now();
        longestGapMs = Math.max(longestGapMs, now - lastOkMs);
        lastOkMs = now;
      }
      await delay(intervalMs);
    }
  })();
  return {
    /** Ends the checks at `endMs` (the service's exit) and returns the longest gap in ms. */
    async stop(endMs) {
      running = false;
      longestGapMs = Math.max(longestGapMs, endMs - lastOkMs);
      await Promise.race([loop, delay(50)]);
      return longestGapMs;
    },
  };
}
