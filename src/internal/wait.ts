import { type LongTimer, setLongTimeout } from './long-timer.js';

/**
 * Resolves after `ms` (Infinity: never), or as soon as `signal` aborts. Never rejects. The timer is
 * unref'd unless `ref`: a bounded wait that is awaited must not be cut short by an idle event loop.
 */
export function waitForTimeout(ms: number, signal?: AbortSignal, ref = false): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = (): void => {
      timer.clear();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setLongTimeout(done, ms, ref);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * true when `promise` settles within `ms` (and before `signal` aborts), false otherwise; never
 * rejects. The timer is cleared as soon as it is decided, and unref'd unless `ref`.
 */
export function waitForSettled(
  promise: PromiseLike<unknown>,
  ms: number,
  signal?: AbortSignal,
  ref = false,
): Promise<boolean> {
  return new Promise((resolve) => {
    let timer: LongTimer | undefined = undefined;
    let stopListening = (): void => {};
    const done = (settled: boolean): void => {
      timer?.clear();
      stopListening();
      resolve(settled);
    };
    if (signal?.aborted) return done(false);
    Promise.resolve(promise).then(
      () => done(true),
      () => done(true),
    );
    timer = setLongTimeout(() => done(false), ms, ref);
    if (signal) stopListening = onAbort(signal, () => done(false));
  });
}

interface Fanout {
  readonly listeners: Set<() => void>;
  readonly detach: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Calls `fn` once when `signal` aborts and returns a remover. Callers share one real listener per
 * signal: addEventListener scans every listener already added, so a thousand steps would be O(n²).
 * The last remover takes the real listener off too: a long-lived signal that never aborts (a
 * caller's, passed to many close() calls) must keep nothing of a call that completed.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let fanout = fanouts.get(signal);
  if (!fanout) {
    const listeners = new Set<() => void>();
    const fire = (): void => {
      fanouts.delete(signal);
      for (const listener of listeners) listener();
      listeners.clear();
    };
    signal.addEventListener('abort', fire, { once: true });
    fanout = { listeners, detach: () => signal.removeEventListener('abort', fire) };
    fanouts.set(signal, fanout);
  }
  const own = fanout;
  own.listeners.add(fn);
  return () => {
    if (!own.listeners.delete(fn) || own.listeners.size > 0 || fanouts.get(signal) !== own) return;
    fanouts.delete(signal);
    own.detach();
  };
}

/**
 * Calls `start` on each item, then waits for the promises it returned; `start` returns undefined
 * for an item already done, which costs no promise (a thousand no-op steps wait for nothing).
 */
export async function waitForEach<T>(
  items: readonly T[],
  start: (item: T) => Promise<void> | undefined,
): Promise<void> {
  const pending: Promise<void>[] = [];
  // Indexed: for-of makes an iterator result per item until the loop is optimized.
  for (let i = 0; i < items.length; i++) {
    const running = start(items[i] as T);
    if (running !== undefined) pending.push(running);
  }
  if (pending.length > 0) await Promise.all(pending);
}
