import type { Logger } from './types.js';

type Level = 'info' | 'warn' | 'error' | 'debug';

/** The logger lastcall calls internally: every level present, pino's `(obj, msg)` order. */
export interface InternalLogger {
  log(level: Level, obj: object, msg: string): void;
  flush(callback: () => void): void;
}

/** Default: one concise stderr line per message (messages carry their error); debug with LASTCALL_DEBUG=1. */
function writeLine(level: Level, _obj: object, msg: string): void {
  if (level === 'debug' && !process.env.LASTCALL_DEBUG) return;
  process.stderr.write(`lastcall: ${msg}\n`);
}

export function normalizeLogger(logger: Logger | false | undefined): InternalLogger {
  if (logger === false) return { log: () => {}, flush: (callback) => callback() };
  if (logger === undefined) return { log: writeLine, flush: (callback) => callback() };
  return {
    log(level, obj, msg) {
      try {
        logger[level]?.(obj, msg);
      } catch {
        // A broken logger must not break the shutdown; stderr still gets the line.
        writeLine(level, obj, msg);
      }
    },
    flush(callback) {
      if (typeof logger.flush !== 'function') return callback();
      try {
        logger.flush(() => callback());
      } catch {
        callback();
      }
    },
  };
}
