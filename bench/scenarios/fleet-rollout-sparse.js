// The fleet rollout of fleet-rollout.js with sparse traffic: one request a second through HAProxy.
import { haproxyMissing, rollout } from '../fixtures/fleet-rollout/_fleet.js';
import { FLEET_FIGURES, FLEET_LIBRARIES, FLEET_SETUP } from './fleet-rollout.js';

export const scenario = {
  name: 'fleet-rollout-sparse',
  title: 'Rolling restart behind HAProxy, sparse traffic (1 request/s)',
  meaning: `${FLEET_SETUP} Load: one request a second (a new request every 1000 ms, keep-alive), so each instance sees one every ~3 s (7 s of it before the first SIGTERM): the traffic-aware pre-stop must not take the silence between two for the end of traffic, so it waits 3× that gap, up to its 5 s maximum.`,
  libraries: FLEET_LIBRARIES,
  figures: FLEET_FIGURES,
  capMs: 48_000,
  quickCapMs: 16_000,
  run: ({ library, capMs }) => {
    const missing = haproxyMissing();
    if (missing) throw new Error(missing);
    return rollout(library, { load: { everyMs: 1000, concurrency: 2 }, capMs, warmupMs: 7000 });
  },
};
