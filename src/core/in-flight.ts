import { performance } from 'node:perf_hooks';

import { ForcedShutdownError, InFlightTimeoutError, InvalidOptionError, TrackedWorkFailedError } from '../errors.js';
import { messageOf } from '../internal/describe.js';
import { toError } from '../internal/thrown.js';
import { waitForSettled } from '../internal/wait.js';
import type { InternalLogger } from './logger.js';
import type { StepReport, TrackContext, TrackedWork, WorkCounts } from './types.js';

/** The report's name for the wait on work registered with `track()`. */
export const IN_FLIGHT_STEP = 'in-flight';

/** In-flight work registered with `life.track()`, which the drain phase waits for. */
export class WorkTracker {
  readonly #pending = new Set<Promise<unknown>>();
  readonly #logger: InternalLogger;
  /** Aborted when the drain phase stops waiting (its bound ran out, it was forced, or it is over). */
  readonly #stop = new AbortController();
  /** When the drain stops waiting (performance.now()); Infinity before shutdown. Set by the shutdown. */
  #endsAt: () => number = () => Infinity;
  /** Work settled since shutdown began; undefined before. */
  #counts: WorkCounts | undefined;
  #firstFailure: unknown;
  readonly #context: TrackContext = {
    signal: this.#stop.signal,
    remainingMs: () => (this.#stop.signal.aborted ? 0 : Math.max(0, this.#endsAt() - performance.now())),
  };

  constructor(logger: InternalLogger) {
    this.#logger = logger;
  }

  /** How much tracked work is still running. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The signal tracked work receives: not `life.signal`, since shutdown beginning is when it must finish. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Shutdown began: from now on settled work is counted, and `remainingMs()` counts down to `endsAt()`. */
  begin(endsAt: () => number): void {
    this.#endsAt = endsAt;
    this.#counts ??= { finished: 0, failed: 0 };
  }

  track<T>(work: PromiseLike<T> | TrackedWork<T>): Promise<T> {
    let promise: Promise<T>;
    if (typeof work === 'function') {
      try {
        promise = Promise.resolve(work(this.#stop.signal, this.#context));
      } catch (error) {
        promise = Promise.reject(toError(error));
      }
    } else if (hasThen(work)) {
      promise = Promise.resolve(work);
    } else {
      throw new InvalidOptionError('work', 'a promise or a function returning one', work);
    }
    if (this.#stop.signal.aborted) return promise;
    this.#pending.add(promise);
    promise.then(
      () => {
        this.#pending.delete(promise);
        if (this.#counts) this.#counts.finished++;
      },
      (error: unknown) => {
        this.#pending.delete(promise);
        if (this.#counts && !this.#stop.signal.aborted) {
          this.#counts.failed++;
          this.#firstFailure ??= error;
        }
        this.#logger.log('debug', { err: toError(error) }, `tracked work rejected: ${messageOf(error)}`);
      },
    );
    return promise;
  }

  /**
   * Waits for the work pending now, up to `budgetMs` (`bound` names what set it); undefined when
   * there was none. Afterwards the tracked work's signal is aborted: nobody waits for it any more.
   */
  async waitForPending(
    budgetMs: number,
    bound: string,
    force: AbortSignal,
    originMs: number,
  ): Promise<StepReport | undefined> {
    if (this.#pending.size === 0) {
      this.#stop.abort(new InFlightTimeoutError(0, 0, 'the drain phase is over'));
      return this.#counts?.failed ? this.#failedReport(performance.now() - originMs, 0) : undefined;
    }
    const pending = [...this.#pending];
    const startMs = performance.now();
    const done = await waitForSettled(Promise.allSettled(pending), budgetMs, force);
    const durationMs = performance.now() - startMs;
    const report: StepReport = {
      name: IN_FLIGHT_STEP,
      phase: 'drain',
      status: 'ok',
      startMs: startMs - originMs,
      durationMs,
    };
    if (!done) {
      const left = pending.filter((p) => this.#pending.has(p)).length;
      report.status = force.aborted ? 'failed' : 'timed-out';
      report.error = force.aborted
        ? new ForcedShutdownError(IN_FLIGHT_STEP, 'drain')
        : new InFlightTimeoutError(left, durationMs, bound);
    }
    this.#stop.abort(report.error ?? new InFlightTimeoutError(0, durationMs, 'the drain phase is over'));
    if (this.#counts) report.work = { ...this.#counts };
    if (report.status === 'ok' && this.#counts?.failed) return this.#failedReport(report.startMs, durationMs);
    return report;
  }

  /** Tracked work failed during the shutdown: nothing was lost to a timeout, but work was lost. */
  #failedReport(startMs: number, durationMs: number): StepReport {
    const counts = { ...(this.#counts ?? { finished: 0, failed: 0 }) };
    const error = new TrackedWorkFailedError(counts.failed, this.#firstFailure);
    return { name: IN_FLIGHT_STEP, phase: 'drain', status: 'failed', startMs, durationMs, error, work: counts };
  }
}

function hasThen(work: unknown): work is PromiseLike<unknown> {
  if (work === null || typeof work !== 'object') return false;
  try {
    return typeof (work as { then?: unknown }).then === 'function';
  } catch (error) {
    throw new InvalidOptionError('work', 'a promise whose "then" can be read', work, error);
  }
}
