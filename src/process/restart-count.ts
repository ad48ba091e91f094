// A supervisor's restart count: the attempt number its backoff grows with (a long enough clean run
// starts it over) and the restarts within the crash-loop window, which give up at maxRestarts.
import { SuperviseGiveUpError } from '../errors.js';
import { backoffDelay } from './backoff.js';
import type { ExitInfo } from './close-sequence.js';
import type { NormalizedSuperviseOptions } from './supervise-options.js';

export class RestartCount {
  readonly #o: NormalizedSuperviseOptions;
  #attempt = 0;
  #total = 0;
  #times: number[] = [];

  constructor(options: NormalizedSuperviseOptions) {
    this.#o = options;
  }

  /** The current child's attempt: 0 for the first, n for the nth restart since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }
  /** Restarts so far (all time). */
  get total(): number {
    return this.#total;
  }

  /** Counts a restart after `exit` and returns its delay, or the give-up error of a crash loop. */
  next(exit: ExitInfo & { uptimeMs: number; error?: Error }): number | SuperviseGiveUpError {
    if (exit.uptimeMs >= this.#o.resetAfterMs && exit.error === undefined) this.#attempt = 0;
    const now = performance.now();
    this.#times = this.#times.filter((t) => now - t < this.#o.windowMs);
    if (this.#times.length >= this.#o.maxRestarts)
      return new SuperviseGiveUpError(this.#times.length, this.#o.windowMs, exit, exit.error);
    this.#attempt += 1;
    this.#total += 1;
    this.#times.push(now);
    return backoffDelay(this.#attempt, this.#o);
  }
}
