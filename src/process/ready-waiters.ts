// The callers of a supervisor's waitForReady() still waiting: all resolved when a child becomes
// ready, all rejected on give-up or stop, and one alone when its own signal aborts.
import { AbortedError } from '../errors.js';

export class ReadyWaiters {
  readonly #waiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();

  wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters.delete(waiter);
        reject(new AbortedError('waitForReady()', signal?.reason));
      };
      const waiter = {
        resolve: () => (signal?.removeEventListener('abort', onAbort), resolve()),
        reject: (error: Error) => (signal?.removeEventListener('abort', onAbort), reject(error)),
      };
      if (signal?.aborted === true) return onAbort();
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  resolveAll(): void {
    for (const w of this.#waiters) w.resolve();
    this.#waiters.clear();
  }

  rejectAll(error: Error): void {
    for (const w of this.#waiters) w.reject(error);
    this.#waiters.clear();
  }
}
