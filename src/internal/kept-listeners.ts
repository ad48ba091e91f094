import { processWide } from './process-wide.js';

type Listener = (...args: never[]) => unknown;

// Process-wide, so that the ESM and CommonJS builds loaded together keep one watcher.
const state = processWide('kept-listeners', () => ({
  kept: new Map<string, Set<Listener>>(),
  queued: false,
  watcher: undefined as ((type: unknown, listener: unknown) => void) | undefined,
}));

/**
 * Adds a process listener that stays while it is kept: a framework's
 * `process.removeAllListeners('SIGTERM')` (or `removeAllListeners()`) must not leave the process
 * deaf to its stop signal, nor lastcall blind to what it watches. A removed one is put back in a
 * microtask: a signal is delivered by the event loop, never between a removal and its microtasks.
 */
export function keepListener(event: string, listener: Listener): void {
  let set = state.kept.get(event);
  if (!set) state.kept.set(event, (set = new Set()));
  set.add(listener);
  process.on(event, listener as never);
  watch();
}

/** Removes a kept listener for good; the watcher goes with the last one. */
export function dropListener(event: string, listener: Listener): void {
  const set = state.kept.get(event);
  set?.delete(listener);
  if (set?.size === 0) state.kept.delete(event);
  process.off(event, listener as never);
  if (state.kept.size === 0 && state.watcher) {
    process.off('removeListener', state.watcher);
    state.watcher = undefined;
  }
}

function watch(): void {
  if (state.watcher) return;
  const watcher = (type: unknown, listener: unknown): void => {
    if (typeof type !== 'string' || !state.kept.get(type)?.has(listener as Listener)) return;
    if (state.queued) return;
    state.queued = true;
    queueMicrotask(restore);
  };
  state.watcher = watcher;
  process.on('removeListener', watcher);
}

function restore(): void {
  state.queued = false;
  for (const [event, set] of state.kept) {
    const present = process.rawListeners(event);
    for (const listener of set) if (!present.includes(listener)) process.on(event, listener as never);
  }
}
