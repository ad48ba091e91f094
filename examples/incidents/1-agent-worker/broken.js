// The worker as it ran in production: SIGTERM is turned into an exception inside the current poll,
// and the loop's generic error handler takes it for a network blip and polls again.
import { setTimeout as delay } from 'node:timers/promises';

import { dispatcherClient, DispatcherError, startJob, waitForFreeSlot } from './jobs.js';

class StopRequested extends Error {}
const SLOTS = 2;
const client = dispatcherClient(process.env.DISPATCHER_URL);
const running = new Set();
const workerId = await client.register();
let poll;

process.on('SIGTERM', () => {
  console.log('SIGTERM: cancelling the poll so the loop drains');
  poll?.abort(new StopRequested('SIGTERM')); // meant to end the loop below
});
console.log(`READY ${workerId}`);

for (;;) {
  try {
    await waitForFreeSlot(running, SLOTS);
    poll = new AbortController();
    const job = await client.next(workerId, poll.signal);
    console.log(`took job ${job.id}`);
    startJob(client, job, running);
  } catch (error) {
    if (error instanceof StopRequested) break; // never true: the client wrapped it in a DispatcherError
    if (error instanceof DispatcherError) console.log(`poll failed (${error.cause?.name}), retrying`);
    await delay(100);
  }
}
// The drain this worker was meant to run: finish what it holds, deregister, exit.
await Promise.allSettled(running);
await client.deregister(workerId);
process.exit(0);
