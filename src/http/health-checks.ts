import { performance } from 'node:perf_hooks';
import { InvalidOptionError, messageOf } from '../errors.js';
import { validateDuration, validateFunction, validateOptions } from '../core/validate.js';
import { waitForSettled } from '../core/wait.js';

/** A user check: healthy when it returns or resolves, failing when it throws or rejects. */
export type HealthCheck = (signal: AbortSignal) => unknown;

export interface HealthChecks {
  /** Run for the readiness probe (never during shutdown: readiness is 503 then). */
  readiness?: Record<string, HealthCheck>;
  /** Run for the liveness probe. Keep these few: a failing liveness probe gets the process restarted. */
  liveness?: Record<string, HealthCheck>;
  /** Each check's bound; one that takes longer is `timed-out` (and its signal aborts). Default 1000. */
  timeoutMs?: number;
  /** Results are reused for this long: a probe storm runs each check at most once per interval. Default 1000. */
  minIntervalMs?: number;
}

export interface CheckResult {
  status: 'ok' | 'failed' | 'timed-out';
  durationMs: number;
  error?: string;
}

export interface CheckRun {
  ok: boolean;
  checks: Record<string, CheckResult>;
}

export type CheckRunner = () => Promise<CheckRun>;

const KEYS = ['readiness', 'liveness', 'timeoutMs', 'minIntervalMs'] as const;
const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_MIN_INTERVAL_MS = 1000;

/** Validates `checks` and returns one cached runner per probe that has checks. */
export function normalizeHealthChecks(checks: unknown): { readiness?: CheckRunner; liveness?: CheckRunner } {
  if (checks === undefined) return {};
  validateOptions(checks, KEYS, 'checks');
  const given = checks as HealthChecks;
  const timeoutMs = given.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  validateDuration('checks.timeoutMs', timeoutMs, false);
  const minIntervalMs = given.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  validateDuration('checks.minIntervalMs', minIntervalMs, false);
  const result: { readiness?: CheckRunner; liveness?: CheckRunner } = {};
  for (const probe of ['readiness', 'liveness'] as const) {
    const set = given[probe];
    if (set === undefined) continue;
    if (set === null || typeof set !== 'object' || Array.isArray(set)) {
      throw new InvalidOptionError(`checks.${probe}`, 'an object of named check functions', set);
    }
    for (const [name, check] of Object.entries(set)) validateFunction(`checks.${probe}.${name}`, check);
    result[probe] = cachedRunner(set, timeoutMs, minIntervalMs);
  }
  return result;
}

/** Runs every check concurrently; a run in progress is shared, a finished one reused for `minIntervalMs`. */
function cachedRunner(checks: Record<string, HealthCheck>, timeoutMs: number, minIntervalMs: number): CheckRunner {
  let cached: Promise<CheckRun> | undefined;
  let freshUntil = 0;
  return () => {
    if (cached !== undefined && performance.now() < freshUntil) return cached;
    const run: Promise<CheckRun> = runAll(checks, timeoutMs).then((result) => {
      if (cached === run) freshUntil = performance.now() + minIntervalMs; // counted from the result
      return result;
    });
    cached = run;
    freshUntil = Infinity; // in progress: every probe meanwhile shares it
    return run;
  };
}

async function runAll(checks: Record<string, HealthCheck>, timeoutMs: number): Promise<CheckRun> {
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await runOne(check, timeoutMs)] as const));
  return { ok: entries.every(([, result]) => result.status === 'ok'), checks: Object.fromEntries(entries) };
}

async function runOne(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const controller = new AbortController();
  const startedAt = performance.now();
  const outcome = Promise.resolve()
    .then(() => check(controller.signal))
    .then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
  const settled = await waitForSettled(outcome, timeoutMs, undefined, true);
  const durationMs = Math.round(performance.now() - startedAt);
  if (!settled) {
    controller.abort();
    return { status: 'timed-out', durationMs, error: `did not finish within ${timeoutMs} ms` };
  }
  const failure = await outcome;
  return failure === undefined ? { status: 'ok', durationMs } : { status: 'failed', durationMs, error: messageOf(failure.error) };
}
