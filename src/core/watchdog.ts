import { Worker } from 'node:worker_threads';
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

/** Starts the watchdog thread, due `deadlineMs` from now (any duration; Infinity: never). */
export function startWatchdog(deadlineMs: number, exitCode: number): Watchdog {
  const state = new SharedArrayBuffer(HEADER_BYTES + STATE_BYTES);
  const flags = new Int32Array(state, 0, 4);
  const bytes = new Uint8Array(state, HEADER_BYTES);
  const encoder = new TextEncoder();
  Atomics.store(flags, 3, exitCode);
  const worker = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { state, dueAt: Date.now() + deadlineMs, deadlineMs, killGraceMs: 250, headerBytes: HEADER_BYTES },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  // A worker that fails to start must not become an uncaught error on the main thread.
  worker.on('error', () => {});
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
