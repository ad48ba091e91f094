import { InvalidOptionError } from '../errors.js';
import { escapeRegExp } from '../internal/lines.js';
import { validateDuration, validateInteger, validateOptions } from '../internal/validate.js';
import type { BackoffOptions } from './backoff.js';

export type RestartPolicy = 'on-failure' | 'always' | 'never';

export interface ReadinessOptions {
  /** Ready when a stdout line matches (a string matches as a substring). */
  stdout?: RegExp | string;
  /** Ready when an IPC message equals this string, or has `type` equal to it (e.g. 'ready'). */
  message?: string;
  /** A child not ready in time is closed and counts as a failure. Default 30000. */
  timeoutMs?: number;
}

export interface SuperviseOptions {
  /** Default 'on-failure' (non-zero exit, signal, or readiness timeout). */
  restart?: RestartPolicy;
  /** Backoff: first delay (default 2000), growth (2), cap (60000), jitter fraction (0.2). */
  initialMs?: number;
  factor?: number;
  maxMs?: number;
  jitter?: number;
  /** Uptime after which the backoff starts again from initialMs. Default 30000. */
  resetAfterMs?: number;
  /** More restarts than this within windowMs: give up. Defaults 10 within 600000. */
  maxRestarts?: number;
  windowMs?: number;
  readiness?: ReadinessOptions;
}

export interface NormalizedSuperviseOptions extends BackoffOptions {
  restart: RestartPolicy;
  resetAfterMs: number;
  maxRestarts: number;
  windowMs: number;
  readiness: { stdout: RegExp | undefined; message: string | undefined; timeoutMs: number } | undefined;
}

const KNOWN = [
  'restart',
  'initialMs',
  'factor',
  'maxMs',
  'jitter',
  'resetAfterMs',
  'maxRestarts',
  'windowMs',
  'readiness',
];
const POLICIES = ['on-failure', 'always', 'never'];

export function normalizeSuperviseOptions(options: unknown): NormalizedSuperviseOptions {
  validateOptions(options, KNOWN, 'supervise()');
  const o = (options ?? {}) as SuperviseOptions;
  const { restart = 'on-failure', initialMs = 2000, factor = 2, maxMs = 60_000, jitter = 0.2 } = o;
  const { resetAfterMs = 30_000, maxRestarts = 10, windowMs = 600_000 } = o;
  if (!POLICIES.includes(restart))
    throw new InvalidOptionError('restart', '"on-failure", "always" or "never"', restart);
  validateDuration('initialMs', initialMs, false);
  validateDuration('maxMs', maxMs, false);
  validateDuration('resetAfterMs', resetAfterMs);
  validateDuration('windowMs', windowMs);
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1)
    throw new InvalidOptionError('factor', 'a number >= 1', factor);
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))
    throw new InvalidOptionError('jitter', 'a number from 0 to 1', jitter);
  if (maxRestarts !== Infinity) validateInteger('maxRestarts', maxRestarts, 0);
  if (maxMs < initialMs) throw new InvalidOptionError('maxMs', `a number >= initialMs (${initialMs})`, maxMs);
  return {
    restart,
    initialMs,
    factor,
    maxMs,
    jitter,
    resetAfterMs,
    maxRestarts,
    windowMs,
    readiness: normalizeReadiness(o.readiness),
  };
}

function normalizeReadiness(readiness: unknown): NormalizedSuperviseOptions['readiness'] {
  if (readiness === undefined) return undefined;
  validateOptions(readiness, ['stdout', 'message', 'timeoutMs'], 'supervise() readiness');
  const { stdout, message, timeoutMs = 30_000 } = readiness as ReadinessOptions;
  validateDuration('readiness.timeoutMs', timeoutMs, false);
  if ((stdout === undefined) === (message === undefined)) {
    throw new InvalidOptionError('readiness', 'an object with exactly one of "stdout" or "message"', readiness);
  }
  if (stdout !== undefined && !(stdout instanceof RegExp) && (typeof stdout !== 'string' || stdout === '')) {
    throw new InvalidOptionError('readiness.stdout', 'a RegExp or a non-empty string', stdout);
  }
  if (message !== undefined && (typeof message !== 'string' || message === '')) {
    throw new InvalidOptionError('readiness.message', 'a non-empty string', message);
  }
  const pattern = typeof stdout === 'string' ? new RegExp(escapeRegExp(stdout)) : stdout;
  return { stdout: pattern, message, timeoutMs };
}
