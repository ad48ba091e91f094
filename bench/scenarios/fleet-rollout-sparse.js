// The fleet rollout of fleet-rollout.js with sparse traffic: one request a second through HAProxy.
import { FLEET_SETUP, fleetScenario } from '../fleet-scenario.js';

export const scenario = fleetScenario({
  name: 'fleet-rollout-sparse',
  title: 'Rolling restart behind HAProxy, sparse traffic (1 request/s)',
  meaning: `${FLEET_SETUP} Load: one request a second (a new request every 1000 ms, keep-alive), so each instance sees one every ~3 s (7 s of it before the first SIGTERM): the traffic-aware pre-stop must not take the silence between two for the end of traffic, so it waits 3× that gap, up to its 5 s maximum.`,
  rolloutOptions: { load: { everyMs: 1000, concurrency: 2 }, warmupMs: 7000 },
});
