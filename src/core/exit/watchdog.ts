import type * as WorkerThreads from 'node:worker_threads';

import { loadBuiltin } from '../../internal/builtins.js';
import { WATCHDOG_SOURCE } from './watchdog-source.js';

/** Shared with the thread: flags [mode (0 armed, 1 stopped, 2 report final), bytes, running, exit code], then the list. */
const HEADER_BYTES = 16;
const STATE_BYTES = 4096;
const NEWLINE = 10;

export interface Watchdog {
  /** A hook started: it goes first in the list at once, since it may block the thread right away. */
  started(label: string): void;
  /** A hook finished: the list (latest started first) is rewritten once per tick. */
  finished(running: { keys(): Iterable<string> }): void;
  /** The report is final: should the deadline still pass before the exit, exit with this code. */
  settle(exitCode: number): void;
  /** The watchdog stands down for good. */
  stop(): void;
}

/** A watchdog thread that is up and waits, unarmed, for its deadline. */
interface Parked {
  worker: WorkerThreads.Worker;
  state: SharedArrayBuffer;
  gone: boolean;
}

/** The thread started ahead by `prestartWatchdog`, for the next shutdown to arm. */
let spare: Parked | undefined;

/**
 * Starts a watchdog thread now, parked until a shutdown arms it: starting a thread costs tens of ms
 * of CPU, which is better spent before a shutdown than during it. Unref'd: it never keeps the
 * process alive. A thread that cannot start here is started (or reported) by the shutdown instead.
 */
export function prestartWatchdog(): void {
  if (spare !== undefined && !spare.gone) return;
  try {
    spare = park();
  } catch {
    spare = undefined;
  }
}

/** Arms a watchdog thread (the parked one, else a new one), due `deadlineMs` from now (any duration; Infinity: never). */
export function startWatchdog(deadlineMs: number, exitCode: number): Watchdog {
  const parked = spare !== undefined && !spare.gone ? spare : park();
  spare = undefined;
  const { worker, state } = parked;
  const flags = new Int32Array(state, 0, 4);
  const bytes = new Uint8Array(state, HEADER_BYTES);
  const encoder = new TextEncoder();
  Atomics.store(flags, 3, exitCode);
  // Queued on the thread's port at once: it arrives even if this thread blocks right after.
  worker.postMessage({ dueAt: Date.now() + deadlineMs, deadlineMs });
  let rewrite: { keys(): Iterable<string> } | undefined;
  return {
    started(label) {
      const entry = encoder.encode(`${label}\n`).subarray(0, STATE_BYTES);
      // Keep only whole entries of the old list after the new one.
      const limit = Math.min(Atomics.load(flags, 1), STATE_BYTES - entry.length);
      const keep = bytes.subarray(0, limit).lastIndexOf(NEWLINE) + 1;
      bytes.copyWithin(entry.length, 0, keep);
      bytes.set(entry, 0);
      Atomics.store(flags, 1, entry.length + keep);
      Atomics.add(flags, 2, 1);
    },
    finished(running) {
      if (rewrite === undefined) {
        queueMicrotask(() => {
          const labels = [...(rewrite?.keys() ?? [])].reverse();
          let length = 0;
          for (const label of labels) {
            const { read, written } = encoder.encodeInto(`${label}\n`, bytes.subarray(length));
            if (read < label.length + 1) break;
            length += written;
          }
          Atomics.store(flags, 1, length);
          Atomics.store(flags, 2, labels.length);
          rewrite = undefined;
        });
      }
      rewrite = running;
    },
    settle(code) {
      Atomics.store(flags, 3, code);
      Atomics.store(flags, 0, 2);
    },
    stop() {
      Atomics.store(flags, 0, 1);
      void worker.terminate();
    },
  };
}

function park(): Parked {
  const state = new SharedArrayBuffer(HEADER_BYTES + STATE_BYTES);
  // node:worker_threads (and the stream modules it pulls in) is loaded when a thread is first needed.
  const { Worker } = loadBuiltin('node:worker_threads');
  const worker = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { state, killGraceMs: 250, headerBytes: HEADER_BYTES },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  const parked: Parked = { worker, state, gone: false };
  // A worker that fails to start must not become an uncaught error on the main thread.
  worker.on('error', () => {});
  worker.on('exit', () => (parked.gone = true));
  return parked;
}
