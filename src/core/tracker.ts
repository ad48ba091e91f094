import { performance } from 'node:perf_hooks';
import { InFlightTimeoutError, InvalidOptionError, messageOf } from '../errors.js';
import type { InternalLogger } from './logger.js';
import type { StepReport } from './types.js';
import { waitForSettled } from './wait.js';

/** The report's name for the wait on work registered with `track()`. */
export const IN_FLIGHT_STEP = 'in-flight';

/** In-flight work registered with `life.track()`, which the drain phase waits for. */
export class WorkTracker {
  readonly #pending = new Set<Promise<unknown>>();
  readonly #logger: InternalLogger;

  constructor(logger: InternalLogger) {
    this.#logger = logger;
  }

  /** How much tracked work is still running. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  track<T>(work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>), signal: AbortSignal): Promise<T> {
    let promise: Promise<T>;
    if (typeof work === 'function') {
      try {
        promise = Promise.resolve(work(signal));
      } catch (error) {
        promise = Promise.reject(error);
      }
    } else if (work !== null && typeof work === 'object' && typeof work.then === 'function') {
      promise = Promise.resolve(work);
    } else {
      throw new InvalidOptionError('work', 'a promise or a function returning one', work);
    }
    this.#pending.add(promise);
    promise.then(
      () => this.#pending.delete(promise),
      (error: unknown) => {
        this.#pending.delete(promise);
        this.#logger.log('debug', { err: error }, `tracked work rejected: ${messageOf(error)}`);
      },
    );
    return promise;
  }

  /** Waits for the work pending now, up to `budgetMs`; undefined when there was none. */
  async waitForPending(budgetMs: number, force: AbortSignal, originMs: number): Promise<StepReport | undefined> {
    if (this.#pending.size === 0) return undefined;
    const pending = [...this.#pending];
    const startMs = performance.now();
    const done = await waitForSettled(Promise.allSettled(pending), budgetMs, force);
    const report: StepReport = {
      name: IN_FLIGHT_STEP,
      phase: 'drain',
      status: done ? 'ok' : force.aborted ? 'failed' : 'timed-out',
      startMs: startMs - originMs,
      durationMs: performance.now() - startMs,
    };
    if (!done) report.error = new InFlightTimeoutError(pending.filter((p) => this.#pending.has(p)).length, budgetMs);
    return report;
  }
}
