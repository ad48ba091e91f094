import { AsyncLocalStorage } from 'node:async_hooks';

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
  // Made at the first shutdown hook, not at import: until then it costs nothing.
  storage: undefined as AsyncLocalStorage<ExitOwner> | undefined,
}));

/** Runs `hook` as `owner`'s: an exit call made from it (or from what it started) is attributed to it. */
export function runAsExitOwner<T>(owner: ExitOwner, hook: () => T): T {
  owners.running.add(owner);
  owners.storage ??= new AsyncLocalStorage();
  return owners.storage.run(owner, hook);
}

/** The hook is over: later exit calls are no longer its. */
export function endExitOwner(owner: ExitOwner): void {
  owners.running.delete(owner);
  owner.onExit = undefined;
}

/**
 * The running hook an exit call comes from: the one whose async context it runs in or, when the call
 * comes from a context no hook made (a socket's 'close' event, a pool's callback), the only hook
 * running. Several running and none in context: nobody's (no step is ended on a guess).
 */
export function claimExit(code: number): ExitOwner | undefined {
  const inContext = owners.storage?.getStore();
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
