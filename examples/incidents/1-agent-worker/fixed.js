// The same worker with lastcall: the loop runs on life.signal, jobs are tracked, deregistration is a step.
import { setTimeout as delay } from 'node:timers/promises';

import { createLifecycle } from 'lastcall';

import { dispatcherClient, startJob, waitForFreeSlot } from './jobs.js';

const SLOTS = 2;
const client = dispatcherClient(process.env.DISPATCHER_URL);
const running = new Set();
const life = createLifecycle({ deadlineMs: Number(process.env.DEADLINE_MS ?? 25_000) });
const workerId = await client.register();
life.add('registration', { close: () => client.deregister(workerId) });
await life.start();
console.log(`READY ${workerId}`);

// SIGTERM aborts life.signal within one event-loop turn: the pending poll is cancelled and the loop ends.
while (!life.signal.aborted) {
  try {
    await waitForFreeSlot(running, SLOTS, life.signal);
    const job = await client.next(workerId, life.signal);
    console.log(`took job ${job.id}`);
    life.track(startJob(client, job, running)); // the drain phase waits for it
  } catch (error) {
    if (life.signal.aborted) break;
    console.log(`poll failed (${error.cause?.name}), retrying`);
    await delay(100);
  }
}
