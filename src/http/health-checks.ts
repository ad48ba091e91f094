import { InvalidOptionError } from '../errors.js';
import { validateDuration, validateFunction, validateOptions } from '../internal/validate.js';
import { CachedCheck, type HealthCheckFunction } from './cached-check.js';
import { CheckGroup } from './check-group.js';

export type { HealthCheckFunction, HealthCheckResult } from './cached-check.js';

/** A check with its own options; a bare function is `{ run: fn }`. */
export interface HealthCheckSpec {
  /** Throws/rejects or returns false: failed. Receives a signal that aborts at `timeoutMs`. */
  run: HealthCheckFunction;
  /** Default the probes' `checkTimeoutMs`. */
  timeoutMs?: number;
  /** Which probe runs it. Default 'readiness'. */
  probe?: 'readiness' | 'liveness' | 'both';
}

export type HealthCheck = HealthCheckFunction | HealthCheckSpec;

export interface HealthCheckOptions {
  /** Named checks; a probe with checks answers JSON. */
  checks?: Record<string, HealthCheck>;
  /** Default timeout of each check. Default 500. */
  checkTimeoutMs?: number;
  /** A check starts at most once per interval; requests meanwhile get its last result. Default 1000. */
  checkIntervalMs?: number;
}

export const HEALTH_CHECK_OPTIONS = ['checks', 'checkTimeoutMs', 'checkIntervalMs'] as const;
const SPEC_KEYS = ['run', 'timeoutMs', 'probe'] as const;
const PROBES = ['readiness', 'liveness', 'both'];

export interface HealthChecks {
  readiness: CheckGroup | undefined;
  liveness: CheckGroup | undefined;
}

/** Validates the check options and builds each probe's group (undefined: the probe has no checks). */
export function normalizeHealthChecks(options: HealthCheckOptions | undefined): HealthChecks {
  const { checks = {}, checkTimeoutMs = 500, checkIntervalMs = 1000 } = options ?? {};
  validateTimeout('checkTimeoutMs', checkTimeoutMs);
  validateDuration('checkIntervalMs', checkIntervalMs, false);
  if (checks === null || typeof checks !== 'object' || Array.isArray(checks)) {
    throw new InvalidOptionError('checks', 'an object of named check functions', checks);
  }
  const readiness: CachedCheck[] = [];
  const liveness: CachedCheck[] = [];
  for (const [name, check] of Object.entries(checks as Record<string, unknown>)) {
    const isObject = check !== null && typeof check === 'object' && !Array.isArray(check);
    if (name === '' || (typeof check !== 'function' && !isObject)) {
      throw new InvalidOptionError(`checks.${name}`, 'a named function or { run, timeoutMs, probe }', check);
    }
    const spec = (typeof check === 'function' ? { run: check } : check) as HealthCheckSpec;
    validateOptions(spec, SPEC_KEYS, `checks.${name}`);
    validateFunction(`checks.${name}.run`, spec.run);
    const { timeoutMs = checkTimeoutMs, probe = 'readiness' } = spec;
    validateTimeout(`checks.${name}.timeoutMs`, timeoutMs);
    if (!PROBES.includes(probe))
      throw new InvalidOptionError(`checks.${name}.probe`, `one of ${PROBES.join(', ')}`, probe);
    const cached = new CachedCheck(name, spec.run, timeoutMs, checkIntervalMs);
    if (probe !== 'liveness') readiness.push(cached);
    if (probe !== 'readiness') liveness.push(cached);
  }
  return {
    readiness: readiness.length > 0 ? new CheckGroup('readiness', readiness) : undefined,
    liveness: liveness.length > 0 ? new CheckGroup('liveness', liveness) : undefined,
  };
}

/** A check needs a bound: a finite number > 0. */
function validateTimeout(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new InvalidOptionError(name, 'a finite number > 0', value);
  }
}
