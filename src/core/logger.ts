import { guardStdio, isWritable } from './exit/stdio-guard.js';
import type { Logger } from './types.js';

type Level = 'info' | 'warn' | 'error' | 'debug';

/** The logger lastcall calls internally: every level present, pino's `(obj, msg)` order. */
export interface InternalLogger {
  log(level: Level, obj: object, msg: string): void;
  flush(callback: () => void): void;
  /** Whether a debug line goes anywhere: callers on hot paths do not even build it otherwise. */
  debugOn(): boolean;
  /** Whether `obj` goes anywhere (a logger of the user's): the default one prints only `msg`, `false` nothing. */
  readonly structured: boolean;
}

let syncWrites = false;
// Looked up only when needed (Node >= 20.16): an ESM import of node:fs costs every service ~1 MiB.
const writeSync = (process as { getBuiltinModule?: (id: 'node:fs') => typeof import('node:fs') }).getBuiltinModule?.(
  'node:fs',
).writeSync;

/** From now on the default logger writes synchronously: the process is exiting, nothing async will run. */
export function useSyncWrites(): void {
  syncWrites = true;
}

/** LASTCALL_DEBUG turns debug lines on; unset, empty, 0 or false mean off. */
export function isDebugEnabled(env = process.env): boolean {
  const value = env.LASTCALL_DEBUG?.trim().toLowerCase();
  return value !== undefined && !['', '0', 'false', 'off', 'no'].includes(value);
}

/** Default: one concise stderr line per message. Never throws, never blocks: a failed write is dropped. */
function writeLine(level: Level, _obj: object, msg: string): void {
  if (level === 'debug' && !isDebugEnabled()) return;
  const line = `lastcall: ${msg}\n`;
  try {
    if (syncWrites && writeSync) writeSync(2, line);
    else if (isWritable(process.stderr)) process.stderr.write(line);
  } catch {
    // Dropped: stderr is gone or full, and a log line must never stop the shutdown.
  }
}

export function normalizeLogger(logger: Logger | false | undefined): InternalLogger {
  if (logger === false)
    return { log: () => {}, flush: (callback) => callback(), debugOn: () => false, structured: false };
  if (logger === undefined) {
    guardStdio();
    return { log: writeLine, flush: (callback) => callback(), debugOn: () => isDebugEnabled(), structured: false };
  }
  const hasDebug = typeof logger.debug === 'function';
  return {
    debugOn: () => hasDebug,
    structured: true,
    log(level, obj, msg) {
      try {
        const written: unknown = logger[level]?.(obj, msg);
        // An async logger's rejection would come back as an unhandledRejection, which is logged
        // again: a loop that starves the event loop until the watchdog. It is dropped here.
        if (isThenable(written)) void written.then(undefined, () => writeLine(level, obj, msg));
      } catch {
        // A broken logger must not break the shutdown; stderr still gets the line.
        writeLine(level, obj, msg);
      }
    },
    flush(callback) {
      if (typeof logger.flush !== 'function') return callback();
      try {
        const flushed: unknown = logger.flush(() => callback());
        if (isThenable(flushed)) void flushed.then(undefined, () => callback());
      } catch {
        callback();
      }
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  // Reading `then` of a hostile object may throw: the caller's catch takes it.
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
