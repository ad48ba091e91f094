import { processWide } from '../../internal/process-wide.js';

/**
 * A shutdown hook while it runs, as the one a deferred `process.exit()` may come from: old cleanup
 * code ends with `db.end(() => process.exit(0))` inside a promise that never settles, and that call
 * is the hook saying it is done.
 */
export interface ExitOwner {
  readonly name: string;
  /** The code it asked for, once it called process.exit(). */
  code: number | undefined;
  /** Called at that exit call (set by whoever waits for the hook). */
  onExit: (() => void) | undefined;
}

// Process-wide, like the exit guard that reads it: any copy of lastcall may run the hook.
const owners = processWide('exit-owners', () => ({
  running: new Set<ExitOwner>(),
  /** The hook whose synchronous part is running now. */
  current: undefined as ExitOwner | undefined,
}));

/**
 * Runs `hook` as `owner`'s: an exit call made in its synchronous part is attributed to it. Not an
 * AsyncLocalStorage: on Node 20 that turns async hooks on for the whole shutdown, which made the
 * drain of 1k idle sockets ~25% slower (http-scale bench).
 */
export function runAsExitOwner<T>(owner: ExitOwner, hook: () => T): T {
  owners.running.add(owner);
  const outer = owners.current;
  owners.current = owner;
  try {
    return hook();
  } finally {
    owners.current = outer;
  }
}

/** The hook is over: later exit calls are no longer its. */
export function endExitOwner(owner: ExitOwner): void {
  owners.running.delete(owner);
  owner.onExit = undefined;
}

/**
 * The running hook an exit call comes from: the one whose synchronous part makes it or, when the call
 * comes later (a timer, a socket's 'close' event, a pool's callback), the only hook running. Several
 * running and none making the call: nobody's (no step is ended on a guess; each ends as it would).
 */
export function claimExit(code: number): ExitOwner | undefined {
  const inContext = owners.current;
  const owner =
    inContext !== undefined
      ? owners.running.has(inContext)
        ? inContext
        : undefined
      : owners.running.size === 1
        ? owners.running.values().next().value
        : undefined;
  if (owner === undefined || owner.code !== undefined) return owner;
  owner.code = code;
  owner.onExit?.();
  return owner;
}
