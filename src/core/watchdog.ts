import { Worker } from 'node:worker_threads';

// Runs on its own thread, so it fires even while the main thread spins or waits in a sync call.
// It first asks V8 (through an inspector session, which interrupts running JavaScript) to run
// process.exit on the main thread, so 'exit' listeners such as PID-file removal still run; a main
// thread stuck inside a system call cannot be interrupted, so SIGKILL follows after a short grace.
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { state, deadlineAt, deadlineMs, exitCode, killGraceMs } = workerData;
const flags = new Int32Array(state, 0, 2);
const bytes = new Uint8Array(state, 8);
setTimeout(() => {
  if (Atomics.load(flags, 0) === 1) return;
  const running = new TextDecoder().decode(bytes.slice(0, Atomics.load(flags, 1))) || 'none';
  writeSync(2, 'lastcall: deadline of ' + deadlineMs + ' ms exceeded and the event loop is not responding; ' +
    'still running: ' + running + '; exiting with code ' + exitCode + '\\n');
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), killGraceMs);
  try {
    const { Session } = require('node:inspector');
    const session = new Session();
    session.connectToMainThread();
    session.post('Runtime.evaluate', { expression: 'process.exit(' + exitCode + ')' });
  } catch {}
}, Math.max(0, deadlineAt - Date.now()));
`;

const STATE_BYTES = 4096;

export interface Watchdog {
  /** A hook started: its label is appended at once, since it may block the thread right away. */
  started(label: string): void;
  /** A hook finished: the list is rewritten once per tick, however many finished in it. */
  finished(running: ReadonlySet<string>): void;
  /** The shutdown finished in time: the watchdog stands down. */
  stop(): void;
}

/** Starts the watchdog thread, due `deadlineMs` from now. */
export function startWatchdog(deadlineMs: number, exitCode: number): Watchdog {
  const state = new SharedArrayBuffer(8 + STATE_BYTES);
  const flags = new Int32Array(state, 0, 2);
  const bytes = new Uint8Array(state, 8);
  const encoder = new TextEncoder();
  const worker = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { state, deadlineAt: Date.now() + deadlineMs, deadlineMs, exitCode, killGraceMs: 250 },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  // A worker that fails to start must not become an uncaught error on the main thread.
  worker.on('error', () => {});
  const write = (text: string, at: number): void => {
    const { written } = encoder.encodeInto(text, bytes.subarray(at));
    Atomics.store(flags, 1, at + written);
  };
  let rewrite: ReadonlySet<string> | undefined;
  return {
    started(label) {
      const length = Atomics.load(flags, 1);
      write(length === 0 ? label : `, ${label}`, length);
    },
    finished(running) {
      if (rewrite === undefined) {
        queueMicrotask(() => {
          write([...(rewrite ?? [])].join(', '), 0);
          rewrite = undefined;
        });
      }
      rewrite = running;
    },
    stop() {
      Atomics.store(flags, 0, 1);
      void worker.terminate();
    },
  };
}
