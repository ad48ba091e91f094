import { constants } from 'node:os';

import { UsageError } from './errors.js';

/** Signals no process can catch: a stop signal must leave the child a chance to clean up. */
const UNCATCHABLE: ReadonlySet<string> = new Set(['SIGKILL', 'SIGSTOP']);

export interface ParseSignalOptions {
  /** Refuse SIGKILL and SIGSTOP (a stop signal the child must be able to handle). */
  catchable?: boolean;
}

/**
 * The one signal-name parser of the CLI: `SIGTERM`, `sigterm`, `TERM` or `15` → `'SIGTERM'`.
 * Anything else is a UsageError naming the flag, in the same words for every command.
 */
export function parseSignal(flag: string, value: string, options: ParseSignalOptions = {}): NodeJS.Signals {
  const name = /^\d+$/.test(value)
    ? signalName(Number(value))
    : (/^SIG/i.test(value) ? value : `SIG${value}`).toUpperCase();
  const known = name !== undefined && Object.hasOwn(constants.signals, name);
  if (!known || (options.catchable === true && UNCATCHABLE.has(name))) {
    const kind = options.catchable === true ? 'a catchable signal' : 'a signal';
    throw new UsageError(`${flag}: expected ${kind} name or number such as SIGTERM, TERM or 15, got "${value}"`);
  }
  return name as NodeJS.Signals;
}

function signalName(number: number): string | undefined {
  return Object.entries(constants.signals).find(([, n]) => n === number)?.[0];
}

/** 128 + the signal's number, the shell's convention for a signal death. */
export function signalExitCode(signal: string): number {
  return 128 + (constants.signals[signal as NodeJS.Signals] ?? 0);
}
