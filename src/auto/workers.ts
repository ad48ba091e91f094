import { BroadcastChannel, threadId, type Worker } from 'node:worker_threads';

import { namesNotOk } from '../core/report.js';
import type { Lifecycle, ShutdownReport } from '../core/types.js';
import { AbortedError, WorkerThreadsFailedError } from '../errors.js';

/**
 * `lastcall/auto` runs in every worker thread too, but signals reach only the main thread. Worker
 * lifecycles that hold a server join the main one over this channel: the main thread's drain tells
 * them to shut down and waits for their reports, so work in flight there is not cut by the exit.
 * Workers with nothing to drain (a log transport) never join, and keep running until the exit.
 */
const CHANNEL = 'lastcall.v1.auto.workers';

type Message =
  | { kind: 'join' | 'leave' | 'received'; threadId: number }
  | { kind: 'shutdown'; reason: string }
  | { kind: 'done'; threadId: number; outcome: ShutdownReport['outcome']; detail: string };

export interface WorkerThreadFailure {
  threadId: number;
  outcome: string;
  /** The worker's steps that were not ok. */
  detail: string;
}

function open(onMessage: (message: Message) => void): BroadcastChannel {
  const channel = new BroadcastChannel(CHANNEL);
  // Never keeps a thread alive by itself.
  channel.unref();
  channel.onmessage = (event) => {
    const message = normalizeMessage((event as { data?: unknown }).data);
    if (message) onMessage(message);
  };
  return channel;
}

/** The message, or undefined for anything else posted on a channel of that name (a thread id is a positive integer). */
function normalizeMessage(data: unknown): Message | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Record<string, unknown>;
  if (message.kind === 'shutdown') return typeof message.reason === 'string' ? (message as Message) : undefined;
  if (!Number.isInteger(message.threadId) || (message.threadId as number) < 1) return undefined;
  if (message.kind === 'join' || message.kind === 'leave' || message.kind === 'received') return message as Message;
  if (message.kind === 'done' && typeof message.outcome === 'string' && typeof message.detail === 'string')
    return message as Message;
  return undefined;
}

/**
 * Calls `onEnd(threadId)` when a worker thread this thread created ends. A thread ended by
 * terminate() runs no 'exit' listener of its own, so its end is seen from the thread that made it.
 * Returns the ids of those still running.
 */
function watchWorkerEnds(onEnd: (threadId: number) => void): ReadonlySet<number> {
  const running = new Set<number>();
  process.on('worker', (worker: Worker) => {
    // Read now: once the thread is gone, worker.threadId is -1.
    const id = worker.threadId;
    running.add(id);
    worker.once('exit', () => {
      running.delete(id);
      onEnd(id);
    });
  });
  return running;
}

/** The main thread's side: a `worker threads` step, added when the first worker joins. */
export function joinWorkersToMain(life: Lifecycle): void {
  const joined = new Set<number>();
  const failures: WorkerThreadFailure[] = [];
  let settle: (() => void) | undefined;
  let added = false;
  let draining = false;
  /** Threads seen to end: one seen from its parent may still have a join on its way (thread ids are never reused). */
  const ended = new Set<number>();
  const own = watchWorkerEnds((id) => onMessage({ kind: 'leave', threadId: id }));
  const channel = open((message) => {
    // A worker this thread made is gone at its Worker's 'exit', which comes after the app's own
    // 'error' listeners ran: its goodbye on the channel may come first, and the exit would cut them.
    if (message.kind !== 'leave' || !own.has(message.threadId)) onMessage(message);
  });

  function onMessage(message: Message): void {
    if (message.kind === 'join') {
      if (ended.has(message.threadId)) return;
      joined.add(message.threadId);
      // A worker joining during the drain is told at once; the step joins a shutdown under way.
      if (draining) channel.postMessage({ kind: 'shutdown', reason: 'main thread shutting down' });
      else if (!added && life.state !== 'closed') {
        added = true;
        life.add('worker threads', { drain: drainWorkers, describeOpen }, { kind: 'server' });
      }
    } else if (message.kind === 'leave' || message.kind === 'done') {
      const id = message.threadId;
      if (message.kind === 'leave') ended.add(id);
      // Read: the worker may end now (see joinMainFromWorker).
      else channel.postMessage({ kind: 'received', threadId: id });
      if (message.kind === 'done' && message.outcome !== 'clean')
        failures.push({ threadId: id, outcome: message.outcome, detail: message.detail });
      // Gone while told to shut down, with no report (a crash, a terminate()): what it held was cut.
      else if (message.kind === 'leave' && draining && joined.has(id))
        failures.push({ threadId: id, outcome: 'exited', detail: 'the thread ended before its report' });
      joined.delete(id);
      if (joined.size === 0) settle?.();
    }
  }

  function describeOpen(): string | undefined {
    return joined.size === 0 ? undefined : `worker thread(s) ${[...joined].join(', ')} still shutting down`;
  }

  function drainWorkers(signal: AbortSignal): Promise<void> {
    draining = true;
    channel.postMessage({ kind: 'shutdown', reason: 'main thread shutting down' });
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(new AbortedError('worker threads shutdown', signal.reason));
      settle = () => {
        signal.removeEventListener('abort', onAbort);
        if (failures.length > 0) reject(new WorkerThreadsFailedError(failures));
        else resolve();
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      if (joined.size === 0) settle();
    });
  }
}

/** A worker thread's side: joins once its lifecycle holds a step, shuts down when the main thread does. */
export function joinMainFromWorker(life: Lifecycle): { joined(): void } {
  let member = false;
  const channel = open((message) => {
    if (message.kind === 'received' && message.threadId === threadId) channel.unref();
    if (message.kind !== 'shutdown' || !member) return;
    // One report per lifecycle: a worker that shut down on its own (or was told twice) sends that one.
    void life.shutdown(message.reason).then((report) => {
      const detail = namesNotOk(report.steps).join(', ');
      // The thread stays up until the main thread has read this: messages from different threads are
      // not ordered, and its end, seen from its parent, could otherwise arrive first and read as a cut.
      channel.ref();
      channel.postMessage({ kind: 'done', threadId, outcome: report.outcome, detail });
    });
  });
  process.once('exit', () => {
    if (member) channel.postMessage({ kind: 'leave', threadId });
  });
  // Its own workers' ends, for the main thread: it may have joined none of them.
  watchWorkerEnds((id) => channel.postMessage({ kind: 'leave', threadId: id }));
  return {
    joined() {
      if (member) return;
      member = true;
      channel.postMessage({ kind: 'join', threadId });
    },
  };
}
