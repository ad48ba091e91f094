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
export function waitForSettled(promise: PromiseLike<unknown>, ms: number, signal?: AbortSignal, ref = false): Promise<boolean> {
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

const fanouts = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `fn` once when `signal` aborts and returns a remover. Callers share one real listener per
 * signal: addEventListener scans every listener already added, so a thousand steps would be O(n²).
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let listeners = fanouts.get(signal);
  if (!listeners) {
    const created = new Set<() => void>();
    signal.addEventListener('abort', () => {
      for (const listener of created) listener();
      created.clear();
    }, { once: true });
    fanouts.set(signal, created);
    listeners = created;
  }
  const own = listeners;
  own.add(fn);
  return () => own.delete(fn);
}

/**
 * Calls `start` on each item, then waits for the promises it returned; `start` returns undefined
 * for an item already done, which costs no promise (a thousand no-op steps wait for nothing).
 */
export async function waitForEach<T>(items: readonly T[], start: (item: T) => Promise<void> | undefined): Promise<void> {
  const pending: Promise<void>[] = [];
  // Indexed: for-of makes an iterator result per item until the loop is optimized.
  for (let i = 0; i < items.length; i++) {
    const running = start(items[i] as T);
    if (running !== undefined) pending.push(running);
  }
  if (pending.length > 0) await Promise.all(pending);
}
