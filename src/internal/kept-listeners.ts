import { processWide } from './process-wide.js';

type Listener = (...args: never[]) => unknown;

// Process-wide, so that the ESM and CommonJS builds loaded together keep one watcher.
const state = processWide('kept-listeners', () => ({
  kept: new Map<string, Set<Listener>>(),
  watcher: undefined as ((type: unknown, listener: unknown) => void) | undefined,
}));

/**
 * Adds a process listener that stays while it is kept: a framework's
 * `process.removeAllListeners('SIGTERM')` (or `removeAllListeners()`) must not leave the process
 * deaf to its stop signal, nor lastcall blind to what it watches. A removed one is put back at once,
 * in the removal itself: the process may signal itself right after (`removeAllListeners(sig);
 * process.kill(process.pid, sig)`), and with no listener left Node restores the default action.
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
    if (process.rawListeners(type).includes(listener as Listener)) return;
    process.on(type, listener as never);
  };
  state.watcher = watcher;
  process.on('removeListener', watcher);
}
