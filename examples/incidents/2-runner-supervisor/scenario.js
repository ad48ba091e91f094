// Incident 2, run once: a poisoned job makes the runner crash on every start (restarts counted for
// one second), an operator clears it, a healthy runner then wedges in a tool call, and the API gets
// SIGTERM. Health is checked every 100 ms throughout.
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { startHealthChecker } from '../runner/health-checker.js';
import { countOrphans, startService } from '../runner/service-manager.js';

export const incident = {
  id: '2-runner-supervisor',
  title: 'blocking cleanup, restart storm',
  original: 'supervisor at 100% CPU in blocking cleanup; runner helpers orphaned',
};

const post = (url) => fetch(url, { method: 'POST' }).then((res) => res.arrayBuffer());
const count = (lines, re) => lines.filter((line) => re.test(line)).length;
const seconds = (ms) => (ms < 100 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

export async function run(variant, { graceMs = 3000, crashWindowMs = 1000 } = {}) {
  const script = fileURLToPath(new URL(`./${variant}.js`, import.meta.url));
  const service = await startService(script, { env: { DEADLINE_MS: String(graceMs - 500) } });
  let health;
  try {
    const api = (await service.waitForLine(/^API /)).slice(4);
    health = startHealthChecker((await service.waitForLine(/^HEALTH /)).slice(7));

    // A job that crashes the runner; it stays pending, so every new runner gets it again.
    const spawnsBefore = count(service.lines, /^RUNNER-SPAWN /);
    await post(`${api}/jobs?kind=poison`);
    await delay(crashWindowMs); // a measurement window, not a wait for a race
    const restarts = count(service.lines, /^RUNNER-SPAWN /) - spawnsBefore;
    await post(`${api}/jobs/clear`);
    const readyBefore = count(service.lines, /^RUNNER-READY$/);
    const newReady = {
      test: () => count(service.lines, /^RUNNER-READY$/) > readyBefore,
      toString: () => 'a new RUNNER-READY',
    };
    await service.waitForLine(newReady, 15_000);
    await post(`${api}/jobs?kind=long`);
    await service.waitForLine(/^JOB-STARTED /);

    const firstExit = service.lines.indexOf('RUNNER-EXIT');
    const respawn = service.lines.findIndex((line, i) => i > firstExit && line.startsWith('RUNNER-SPAWN '));
    const restartDelayMs = service.lineTimes[respawn] - service.lineTimes[firstExit];

    const stop = await service.stop(graceMs);
    const longestGapMs = await health.stop(performance.now());
    return {
      exitMs: stop.exitMs,
      killed: stop.killed,
      code: stop.code,
      restarts,
      restartDelayMs,
      longestHealthGapMs: longestGapMs,
      orphans: await countOrphans(service),
      filesLeft: [],
      workLost: 'none', // the turn is cancelled on purpose; a runner left running counts as an orphan
      happened: `restart after ${seconds(restartDelayMs)} (${restarts} in ${crashWindowMs / 1000} s); longest health gap ${seconds(longestGapMs)}`,
    };
  } finally {
    await health?.stop(performance.now());
    await service.dispose();
  }
}
