import { constants } from 'node:os';

import { callerLocation } from '../../internal/call-site.js';
import { processWide } from '../../internal/process-wide.js';
import { claimExit } from './exit-owner.js';

/** A `process.exit()` someone called while a shutdown ran: deferred until the report was final. */
export interface ExitRequest {
  code: number;
  /** `src/app.js:12`, or undefined when no frame of the caller could be read. */
  at?: string;
  /** The shutdown step whose hook made the call (see exit-owner.ts); the step ended at it. */
  step?: string;
}

type Exit = typeof process.exit;
type Kill = typeof process.kill;

// Process-wide: one replacement of process.exit and process.kill, whichever copy installed it.
const state = processWide('exit-guard', () => ({
  holders: 0,
  exit: undefined as Exit | undefined,
  kill: undefined as Kill | undefined,
  requests: [] as ExitRequest[],
  /** Stop signals this process sent itself while a shutdown ran, counted (each is delivered): not a second signal. */
  selfSent: new Map<string, number>(),
  /** Called at each request: adopted listeners that return nothing are done once they exit. */
  waiters: new Set<() => void>(),
}));

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/**
 * From the start of a shutdown until its report is final, `process.exit()` by anyone is noted
 * (who, which code) and returns instead of exiting; `process.kill(process.pid, sig)` is noted so that
 * the signal it sends is not taken for a second, forcing one. Counted: several lifecycles may hold it.
 */
export function holdExits(): void {
  if (state.holders++ > 0) return;
  // The originals themselves, unbound, so that putting them back restores them exactly.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { exit, kill } = process;
  state.exit = exit;
  state.kill = kill;
  const deferredExit = function exit(code?: number | string | null): void {
    const asked = normalizeCode(Number(code ?? process.exitCode ?? 0));
    const owner = claimExit(asked);
    if (state.requests.length < 10) {
      const at = callerLocation(deferredExit);
      state.requests.push({
        code: asked,
        ...(at === undefined ? {} : { at }),
        ...(owner === undefined ? {} : { step: owner.name }),
      });
    }
    for (const waiter of [...state.waiters]) waiter();
  };
  const notedKill = function kill(pid: number, signal?: string | number): true {
    if (Number(pid) === process.pid) {
      const name = typeof signal === 'number' ? SIGNAL_NAMES.get(signal) : (signal ?? 'SIGTERM');
      if (name !== undefined) state.selfSent.set(name, (state.selfSent.get(name) ?? 0) + 1);
    }
    return (state.kill ?? kill).call(process, pid, signal);
  };
  process.exit = deferredExit as Exit;
  process.kill = notedKill;
}

/** One holder is done (all of them: `all`); the last one puts process.exit and process.kill back. */
export function releaseExits(all = false): void {
  if (all) state.holders = Math.min(state.holders, 1);
  if (state.holders === 0 || --state.holders > 0) return;
  if (state.exit) process.exit = state.exit;
  if (state.kill) process.kill = state.kill;
  state.exit = undefined;
  state.kill = undefined;
}

/** Exits for real, whatever holds the guard (lastcall's own exit). */
export function exitNow(code: number): never {
  releaseExits(true);
  return process.exit(code);
}

/** Resolves at the next deferred `process.exit()`, or after `ms` (if given), or when `signal` aborts. */
export function waitForExitRequest(ms: number | undefined, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      state.waiters.delete(done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = ms === undefined ? undefined : setTimeout(done, ms).unref();
    state.waiters.add(done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The exits asked for so far. */
export function exitRequests(): readonly ExitRequest[] {
  return state.requests;
}

/**
 * The worse of lastcall's code and every deferred request's, and with `app`, the `process.exitCode`
 * the app set (a handler that reports a failure that way): a failure is never turned into 0.
 */
export function worseExitCode(code: number, app = false): number {
  const set = app ? appExitCode() : undefined;
  const worst = state.requests.reduce((worst, request) => (worst !== 0 ? worst : request.code), code);
  return worst === 0 && set !== undefined ? set : worst;
}

/** A non-zero `process.exitCode` someone set (lastcall sets it only once the report is final). */
export function appExitCode(): number | undefined {
  const set = process.exitCode;
  if (set === undefined || set === null || set === '') return undefined;
  const code = normalizeCode(Number(set));
  return code === 0 ? undefined : code;
}

/** true (once per signal sent) when the process sent `signal` to itself during the shutdown. */
export function consumeSelfSignal(signal: string): boolean {
  const sent = state.selfSent.get(signal) ?? 0;
  if (sent === 0) return false;
  if (sent === 1) state.selfSent.delete(signal);
  else state.selfSent.set(signal, sent - 1);
  return true;
}

function normalizeCode(code: number): number {
  return Number.isInteger(code) ? code & 0xff : 1;
}
