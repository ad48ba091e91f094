import { HealthCheckTimeoutError } from '../errors.js';
import { messageOf } from '../internal/describe.js';
import { waitForSettled } from '../internal/wait.js';

export type HealthCheckFunction = (signal: AbortSignal) => unknown;

/** One check's outcome, as the probe's JSON body shows it. */
export interface HealthCheckResult {
  status: 'ok' | 'failed' | 'timed-out';
  durationMs: number;
  /** ISO time the run began: with a cached result, how old it is. */
  checkedAt: string;
  error?: string;
}

/**
 * One user check. It starts at most once per `intervalMs` (counted from the start of the previous
 * run); requests that come meanwhile get the last result, or share the run still going.
 */
export class CachedCheck {
  readonly #run: HealthCheckFunction;
  #running: Promise<HealthCheckResult> | undefined;
  #last: HealthCheckResult | undefined;
  #startedAt = 0;

  constructor(
    readonly name: string,
    run: HealthCheckFunction,
    readonly timeoutMs: number,
    readonly intervalMs: number,
  ) {
    this.#run = run;
  }

  result(): Promise<HealthCheckResult> {
    if (this.#running) return this.#running;
    if (this.#last && performance.now() - this.#startedAt < this.intervalMs) return Promise.resolve(this.#last);
    this.#startedAt = performance.now();
    this.#running = this.#execute().then((result) => {
      this.#last = result;
      this.#running = undefined;
      return result;
    });
    return this.#running;
  }

  /** Never rejects; a check that outlives its timeout has its signal aborted and is not awaited. */
  async #execute(): Promise<HealthCheckResult> {
    const controller = new AbortController();
    const checkedAt = new Date().toISOString();
    const started = this.#startedAt;
    let error: string | undefined;
    const work = new Promise<unknown>((resolve) => resolve(this.#run(controller.signal))).then(
      (value) => {
        if (value === false) error = 'the check returned false';
      },
      (reason: unknown) => {
        error = messageOf(reason) || 'the check failed';
      },
    );
    const settled = await waitForSettled(work, this.timeoutMs);
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    if (!settled) {
      const timeout = new HealthCheckTimeoutError(this.name, this.timeoutMs);
      controller.abort(timeout);
      return { status: 'timed-out', durationMs, checkedAt, error: timeout.message };
    }
    return error === undefined
      ? { status: 'ok', durationMs, checkedAt }
      : { status: 'failed', durationMs, checkedAt, error };
  }
}
