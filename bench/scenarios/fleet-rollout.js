// A rolling restart of 3 instances behind HAProxy (active health checks on the readiness path),
// under keep-alive load: requests failed, SIGTERM→exit per instance, the whole rollout.
import { FLEET_SETUP, fleetScenario } from '../fleet-scenario.js';

export const scenario = fleetScenario({
  name: 'fleet-rollout',
  title: 'Rolling restart behind HAProxy under keep-alive load',
  meaning: `${FLEET_SETUP} Load: 4 keep-alive clients in a closed loop through HAProxy.`,
  rolloutOptions: { load: { concurrency: 4 } },
});
