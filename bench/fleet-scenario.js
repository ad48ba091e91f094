// The shape the three fleet-rollout scenarios share: libraries, figures, the setup text and a run that
// skips (throws) when the balancer is missing, then rolls the fleet.
import {
  CHECK_FALL,
  CHECK_INTER_MS,
  FLOOR_MS,
  haproxyMissing,
  nginxMissing,
  rollout,
  WORK_MS,
} from './fixtures/fleet-rollout/_fleet.js';

export const FLEET_LIBRARIES = ['lastcall', 'lastcall-fixed', 'terminus', 'lightship', 'http-terminator', 'plain'];

export const FLEET_FIGURES = {
  failed: { label: 'requests failed', better: 'lower' },
  exitMs: { label: 'SIGTERM→exit ms (median of 3)', better: 'lower' },
  maxExitMs: { label: 'slowest SIGTERM→exit ms' },
  rolloutMs: { label: 'rollout ms', better: 'lower' },
  ok: { label: 'requests answered' },
  failures: { label: 'failures', kind: 'set' },
};

export const FLEET_SETUP =
  `HAProxy 2.x in front of 3 instances on 127.0.0.1 (roundrobin, \`option httpchk\` on the readiness path, inter ` +
  `${CHECK_INTER_MS}ms fall ${CHECK_FALL} rise 1, HAProxy's default retries), requests of ${WORK_MS} ms. Rolling restart: ` +
  'SIGTERM one instance, wait for its exit, start it again, wait until HAProxy has it UP, then the next. Failed: any ' +
  'status ≥ 500 (HAProxy answers 503 when it had nowhere to send a request, 502 when the instance reset it) or a ' +
  `client error (reset, refused). The physical floor of SIGTERM→exit is the balancer's detection time plus the ` +
  `longest request: ${CHECK_INTER_MS} × ${CHECK_FALL} + ${WORK_MS} = ${FLOOR_MS} ms. Rows: lastcall (traffic-aware ` +
  'pre-stop, at most 5 s), lastcall-fixed (the same with preStopQuietMs: Infinity, a fixed 5 s), terminus (readiness ' +
  'health check, no beforeShutdown delay), lightship (its default shutdownDelay 5 s, /ready on its own port), ' +
  'http-terminator and plain (no readiness: /readyz 200 until the listener closes). The stop of each instance is capped at 12 s.';

/** A fleet scenario: `rolloutOptions` go to rollout() beside the run's capMs (balancer 'haproxy' by default). */
export function fleetScenario({ name, title, meaning, rolloutOptions }) {
  const missing = rolloutOptions.balancer === 'nginx' ? nginxMissing : haproxyMissing;
  return {
    name,
    title,
    meaning,
    libraries: FLEET_LIBRARIES,
    figures: FLEET_FIGURES,
    capMs: 48_000,
    quickCapMs: 16_000,
    run: ({ library, capMs }) => {
      const why = missing();
      if (why) throw new Error(why);
      return rollout(library, { ...rolloutOptions, capMs });
    },
  };
}
