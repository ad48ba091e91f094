// Business code shared by both variants: the dispatcher client and the agent job itself.
import { setTimeout as delay } from 'node:timers/promises';

/** A failed call to the dispatcher, whatever the cause: the client wraps every error in it. */
export class DispatcherError extends Error {}

export function dispatcherClient(baseUrl) {
  const call = async (method, path, signal) => {
    try {
      const res = await fetch(`${baseUrl}${path}`, { method, signal });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.status === 204 ? undefined : await res.json();
    } catch (error) {
      throw new DispatcherError(`${method} ${path} failed`, { cause: error });
    }
  };
  return {
    register: async () => (await call('POST', '/workers')).id,
    /** Long-polls for the next job. */
    next: (workerId, signal) => call('GET', `/jobs/next?worker=${workerId}`, signal),
    done: (jobId) => call('POST', `/jobs/${jobId}/done`),
    deregister: (workerId) => call('DELETE', `/workers/${workerId}`),
  };
}

/** The agent's work on one job (a model call and a few tool calls; here, their duration). */
export async function runJob(job) {
  await delay(job.durationMs);
  return `${job.prompt}: done`;
}

/** Resolves once fewer than `slots` jobs are running (rejects when `signal` aborts first). */
export async function waitForFreeSlot(running, slots, signal) {
  while (running.size >= slots) {
    signal?.throwIfAborted();
    let onAbort;
    const aborted = new Promise((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([...running, aborted]);
    } finally {
      signal?.removeEventListener('abort', onAbort); // one listener per wait, not one per job
    }
  }
}

/** Runs a job and reports it done; the returned promise is removed from `running` when it settles. */
export function startJob(client, job, running) {
  const work = runJob(job).then(() => client.done(job.id));
  running.add(work);
  work.finally(() => running.delete(work)).catch(() => {});
  return work;
}
