import { constants } from 'node:os';

import { InvalidOptionError } from '../errors.js';
import { loadBuiltin } from '../internal/builtins.js';
import {
  normalizeEnvDuration,
  validateBoolean,
  validateDuration,
  validateFunction,
  validateOptions,
  validateStringArray,
} from '../internal/validate.js';
import { normalizeDeadline } from './deadline.js';
import { type DeadlineSource } from './deadline-source.js';
import { EXIT_PRESETS, validateExitPreset } from './exit/presets.js';
import type { ExitCodes, LifecycleOptions, Logger, OnReport } from './types.js';

export interface NormalizedOptions {
  deadlineMs: number;
  /** Where deadlineMs came from (option, env, parent, a platform, default). */
  deadlineSource: DeadlineSource;
  stepTimeoutMs: number;
  drainTimeoutMs: number;
  startTimeoutMs: number;
  preStopDelayMs: number;
  /** The pre-stop ends once no request arrived for this long (and 3× the largest gap before it); Infinity: a fixed delay. */
  preStopQuietMs: number;
  signals: readonly NodeJS.Signals[];
  handleErrors: boolean;
  exit: boolean;
  exitCodes: ExitCodes;
  logger: Logger | false | undefined;
  watchdog: boolean;
  onReport: OnReport | undefined;
  reraiseSignal: boolean;
  adoptSignalListeners: boolean;
  /** Kept at the end of the deadline for telemetry steps (when there are any). */
  telemetryReserveMs: number;
  /** Configurations that work but are likely mistakes; logged once by createLifecycle(). */
  warnings: string[];
}

const KNOWN = [
  'deadlineMs',
  'stepTimeoutMs',
  'drainTimeoutMs',
  'startTimeoutMs',
  'preStopDelayMs',
  'preStopQuietMs',
  'signals',
  'handleErrors',
  'exit',
  'exitCodes',
  'exitPreset',
  'logger',
  'watchdog',
  'onReport',
  'reraiseSignal',
  'adoptSignalListeners',
  'telemetryReserveMs',
] as const;

const OUTCOMES = ['clean', 'failed', 'timed-out', 'forced'];

export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
export const DEFAULT_START_TIMEOUT_MS = 60_000;
/** Kubernetes removes a pod from its endpoints a few seconds after SIGTERM; keep serving meanwhile. */
export const KUBERNETES_PRE_STOP_DELAY_MS = 5_000;
/** A pre-stop with traffic to watch ends after this long without a new request (or 3× the largest gap before the stop). */
export const DEFAULT_PRE_STOP_QUIET_MS = 300;
/** The pre-stop delay never takes more than this share of the deadline: the rest is for draining and closing. */
export const MAX_PRE_STOP_SHARE = 0.5;
/** Default slice of the deadline kept for telemetry steps (capped at 10% of the deadline). */
export const DEFAULT_TELEMETRY_RESERVE_MS = 2_000;

/** Validates lifecycle options and applies defaults; env LASTCALL_* durations win over options. */
export function normalizeLifecycleOptions(options: LifecycleOptions = {}, env = process.env): NormalizedOptions {
  validateOptions(options, KNOWN, 'createLifecycle()');
  const o = options as Record<string, unknown>;
  const duration = (key: string, fallback: number, allowInfinity = true): number => {
    const value = o[key] ?? fallback;
    validateDuration(key, value, allowInfinity);
    return value;
  };

  const deadline = normalizeDeadline('deadlineMs', o.deadlineMs, env);
  const { deadlineMs } = deadline;
  const stepTimeoutMs =
    normalizeEnvDuration('LASTCALL_STEP_TIMEOUT_MS', env) ?? duration('stepTimeoutMs', DEFAULT_STEP_TIMEOUT_MS);
  const drainTimeoutMs = duration('drainTimeoutMs', deadlineMs / 2);
  const startTimeoutMs = duration('startTimeoutMs', DEFAULT_START_TIMEOUT_MS);
  const requestedPreStopMs = duration('preStopDelayMs', env.KUBERNETES_SERVICE_HOST ? KUBERNETES_PRE_STOP_DELAY_MS : 0);
  const preStopDelayMs = Math.min(requestedPreStopMs, deadlineMs * MAX_PRE_STOP_SHARE);
  const preStopQuietMs = duration('preStopQuietMs', DEFAULT_PRE_STOP_QUIET_MS);
  // Sentry's flush and close wait 2 s by default, and a span batch exports well within it; a short
  // deadline gives telemetry its tenth rather than starve the drain.
  const requestedReserveMs = duration(
    'telemetryReserveMs',
    Math.min(DEFAULT_TELEMETRY_RESERVE_MS, deadlineMs / 10),
    false,
  );
  const telemetryReserveMs = Math.min(requestedReserveMs, deadlineMs * MAX_PRE_STOP_SHARE);
  const reraiseSignal = o.reraiseSignal ?? false;
  validateBoolean('reraiseSignal', reraiseSignal);
  const onReport = o.onReport;
  if (onReport !== undefined) validateFunction('onReport', onReport);

  const signals = o.signals ?? ['SIGTERM', 'SIGINT'];
  if (signals !== false) validateSignalNames(signals);
  const installSignals = signals !== false && signals.length > 0;
  const exit = o.exit ?? installSignals;
  validateBoolean('exit', exit);
  const adoptSignalListeners = o.adoptSignalListeners ?? true;
  validateBoolean('adoptSignalListeners', adoptSignalListeners);
  const handleErrors = o.handleErrors ?? exit;
  validateBoolean('handleErrors', handleErrors);
  // No signal reaches a worker thread, and the watchdog's exit would end the whole process, not the thread.
  const inWorker = (installSignals || exit) && !loadBuiltin('node:worker_threads').isMainThread;
  const watchdog = o.watchdog ?? (exit && !inWorker);
  validateBoolean('watchdog', watchdog);

  const warnings: string[] = [...deadline.warnings];
  if (preStopDelayMs < requestedPreStopMs) {
    warnings.push(
      `preStopDelayMs ${requestedPreStopMs} ms would take more than half of the ${deadlineMs} ms deadline ` +
        `and leave draining and closing without time; using ${preStopDelayMs} ms`,
    );
  }
  if (telemetryReserveMs < requestedReserveMs) {
    warnings.push(
      `telemetryReserveMs ${requestedReserveMs} ms would take more than half of the ${deadlineMs} ms deadline; using ${telemetryReserveMs} ms`,
    );
  }
  if (installSignals && inWorker) {
    warnings.push(
      'in a worker thread no signal arrives: shut this lifecycle down with life.shutdown() (on a message ' +
        'from the main thread, say); the watchdog is off here unless asked for, since its exit ends the whole process',
    );
  } else if (installSignals && !watchdog) {
    warnings.push(
      `signals are handled but the watchdog is off${o.watchdog === undefined ? ' (it follows exit: false)' : ''}: ` +
        'nothing ends the process at the deadline if a step blocks the event loop',
    );
  }

  return {
    deadlineMs,
    deadlineSource: deadline.source,
    stepTimeoutMs,
    drainTimeoutMs,
    startTimeoutMs,
    preStopDelayMs,
    preStopQuietMs,
    signals: signals === false ? [] : signals,
    handleErrors,
    exit,
    exitCodes: normalizeExitCodes(o.exitCodes, o.exitPreset),
    logger: normalizeLoggerOption(o.logger),
    watchdog,
    onReport: onReport as OnReport | undefined,
    reraiseSignal,
    adoptSignalListeners,
    telemetryReserveMs,
    warnings,
  };
}

function validateSignalNames(value: unknown): asserts value is NodeJS.Signals[] {
  validateStringArray('signals', value);
  for (const [index, name] of value.entries()) {
    // A duplicate would make one signal count as the second, forcing the shutdown at once.
    if (value.indexOf(name) !== index)
      throw new InvalidOptionError('signals', 'an array of distinct signal names', value);
    // SIGKILL and SIGSTOP cannot be caught, so a handler for them would never run.
    if (!(name in constants.signals) || name === 'SIGKILL' || name === 'SIGSTOP') {
      throw new InvalidOptionError('signals', 'an array of catchable signal names such as "SIGTERM"', name);
    }
  }
}

/** The preset's codes, then `exitCodes` over them (as `--exit-preset` then `--exit-code`). */
function normalizeExitCodes(value: unknown, preset: unknown): ExitCodes {
  if (preset !== undefined) validateExitPreset('exitPreset', preset);
  if (typeof value === 'function') {
    // The function decides every code: a preset next to it would be silently ignored.
    if (preset !== undefined)
      throw new InvalidOptionError('exitPreset', 'left out when "exitCodes" is a function', preset);
    return value as ExitCodes;
  }
  validateOptions(value, OUTCOMES, 'exitCodes');
  for (const [key, code] of Object.entries(value ?? {})) {
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 255) {
      throw new InvalidOptionError(`exitCodes.${key}`, 'an integer from 0 to 255', code);
    }
  }
  return { ...(preset === undefined ? {} : EXIT_PRESETS[preset]), ...value };
}

function normalizeLoggerOption(value: unknown): Logger | false | undefined {
  if (value === undefined || value === false) return value;
  if (value === null || typeof value !== 'object') {
    throw new InvalidOptionError('logger', 'a pino-compatible logger object or false', value);
  }
  const logger = value as Record<string, unknown>;
  for (const level of ['info', 'warn', 'error', 'debug', 'flush']) {
    if (logger[level] !== undefined && typeof logger[level] !== 'function') {
      throw new InvalidOptionError(`logger.${level}`, 'a function', logger[level]);
    }
  }
  if (!['info', 'warn', 'error'].some((level) => typeof logger[level] === 'function')) {
    throw new InvalidOptionError('logger', 'an object with info, warn or error methods', value);
  }
  return value;
}
