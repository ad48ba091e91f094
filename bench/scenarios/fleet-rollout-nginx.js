// The fleet rollout of fleet-rollout.js behind nginx with passive checks (the recipe of
// docs/integrations.md: max_fails=0, proxy_next_upstream error timeout http_502 http_503).
import { WORK_MS } from '../fixtures/fleet-rollout/_fleet.js';
import { fleetScenario } from '../fleet-scenario.js';

export const scenario = fleetScenario({
  name: 'fleet-rollout-nginx',
  title: 'Rolling restart behind nginx (passive checks, the recipe) under keep-alive load',
  meaning:
    `nginx in front of 3 instances on 127.0.0.1 with docs/integrations.md's recipe (max_fails=0, a failed connect, 502 or ` +
    `503 retried on the next upstream, 3 tries, upstream keep-alive), requests of ${WORK_MS} ms, 4 keep-alive clients ` +
    'in a closed loop through nginx. Rolling restart: SIGTERM one instance, wait for its exit, start it again, next. ' +
    'nginx never checks readiness, so traffic to a stopping instance never stops by itself: a pre-stop that waits for ' +
    'the traffic to end runs to its maximum (5 s) here; with passive checks set preStopDelayMs: 0 and let the retries ' +
    'carry the refused connections. Failed: any status ≥ 500 or a client error. Rows as in fleet-rollout.',
  rolloutOptions: { load: { concurrency: 4 }, balancer: 'nginx' },
});
