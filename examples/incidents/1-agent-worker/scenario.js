// Incident 1, run once: a worker holding a job and long-polling for another gets SIGTERM; new jobs
// keep arriving. Counts jobs handed out after the signal and jobs never finished.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

import { countOrphans, startService } from '../runner/service-manager.js';
import { startDispatcher } from './dispatcher.js';

export const incident = {
  id: '1-agent-worker',
  title: 'worker keeps taking jobs',
  original: 'took 29 new jobs in its 15-minute grace period, then SIGKILL',
};

export async function run(variant, { graceMs = 3000, jobMs = 250 } = {}) {
  const dispatcher = await startDispatcher({ jobMs });
  const script = fileURLToPath(new URL(`./${variant}.js`, import.meta.url));
  let service;
  try {
    service = await startService(script, {
      env: { DISPATCHER_URL: dispatcher.url, DEADLINE_MS: String(graceMs - 500) },
    });
    // State driven by messages: one job running, the second slot long-polling. Then the signal.
    const secondPoll = once(dispatcher.events, 'parked');
    dispatcher.publish(1);
    await service.waitForLine(/^took job 1$/);
    if (dispatcher.parkedPolls === 0) await secondPoll;
    const stopping = service.stop(graceMs);
    // Both variants cancel the open poll on SIGTERM; then new work arrives, as it did in production.
    await Promise.race([once(dispatcher.events, 'poll-closed'), service.exited]);
    dispatcher.openBacklog();
    const stop = await stopping;
    const afterSignal = dispatcher.handedAfter(stop.sentAt);
    const lost = dispatcher.lost();
    const figures = {
      exitMs: stop.exitMs,
      killed: stop.killed,
      code: stop.code,
      jobsAfterSignal: afterSignal,
      jobsLost: lost,
      deregistered: dispatcher.registered() === 0,
      orphans: await countOrphans(service),
      filesLeft: [],
    };
    const taken = afterSignal === 0 ? 'took no new job' : `took ${afterSignal} new jobs`;
    figures.happened = stop.killed
      ? `${taken}; SIGKILLed holding ${lost}`
      : `${taken}; finished its job, ${figures.deregistered ? 'deregistered' : 'did NOT deregister'}`;
    figures.workLost = `${lost} job${lost === 1 ? '' : 's'}`;
    return figures;
  } finally {
    await service?.dispose();
    dispatcher.close();
  }
}
