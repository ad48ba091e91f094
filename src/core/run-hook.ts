import { performance } from 'node:perf_hooks';
import { DeadlineExceededError, ForcedShutdownError, messageOf, StepTimeoutError } from '../errors.js';
import type { InternalLogger } from './logger.js';
import { type LongTimer, setLongTimeout } from './long-timer.js';
import { onAbort } from './wait.js';
import type { Hook, Phase, StepReport } from './types.js';

export interface HookRun {
  name: string;
  phase: Phase;
  hook: Hook;
  /** The step's own timeout (Infinity: none). */
  timeoutMs: number;
  /** What is left of the shutdown budget (Infinity: none); the effective bound is the smaller. */
  remainingMs: number;
  /** The option that set `remainingMs` when it is not the shutdown deadline (the drain's `drainTimeoutMs`). */
  limit?: { option: string; ms: number };
  deadlineMs: number;
  /** performance.now() at which the phase clock started: `startMs` is relative to it. */
  originMs: number;
  /** Aborted when shutdown is forced: the step is cut short at once. */
  force: AbortSignal;
  /** Aborted to ask the hook to stop early (start abandoned); the step still waits for it. */
  abort?: AbortSignal;
  logger: InternalLogger;
  onStart?: () => void;
}

/**
 * Runs one hook under its bound. Never rejects: a sync throw, a rejection, a hang, a forced stop
 * or an overrun each become a status in the returned report; whatever the hook does afterwards
 * is logged as late, never left as an unhandled rejection.
 */
export function runHook(run: HookRun): Promise<StepReport> {
  const { name, phase, timeoutMs, remainingMs, logger } = run;
  const boundMs = Math.min(timeoutMs || Infinity, remainingMs);
  // Start steps are bounded by startTimeoutMs, which is a timeout, not the shutdown deadline.
  const deadlineBound = phase !== 'start' && remainingMs < (timeoutMs || Infinity);
  const { limit } = run;
  const makeTimeoutError = (): Error => {
    if (!deadlineBound) return new StepTimeoutError(name, phase, boundMs);
    return limit ? new StepTimeoutError(name, phase, limit.ms, limit.option) : new DeadlineExceededError(name, phase, run.deadlineMs);
  };
  const controller = new AbortController();
  const startedAt = performance.now();

  return new Promise<StepReport>((resolve) => {
    let settled = false;
    let timer: LongTimer | undefined = undefined;
    let stopListening = (): void => {};
    const finish = (status: StepReport['status'], error?: unknown): void => {
      if (settled) return;
      settled = true;
      timer?.clear();
      stopListening();
      const report: StepReport = {
        name,
        phase,
        status,
        startMs: startedAt - run.originMs,
        durationMs: performance.now() - startedAt,
      };
      if (error !== undefined) report.error = toError(error);
      if (status !== 'ok') controller.abort(report.error);
      resolve(report);
    };

    if (run.force.aborted) return finish('skipped', new ForcedShutdownError(name, phase));
    if (boundMs <= 0) return finish('skipped', makeTimeoutError());
    const { abort } = run;
    const removers = [onAbort(run.force, () => finish('failed', new ForcedShutdownError(name, phase)))];
    if (abort?.aborted) controller.abort(abort.reason);
    else if (abort) removers.push(onAbort(abort, () => controller.abort(abort.reason)));
    stopListening = () => removers.forEach((remove) => remove());
    timer = setLongTimeout(() => finish('timed-out', makeTimeoutError()), boundMs);
    run.onStart?.();

    let result: unknown;
    try {
      result = run.hook(controller.signal);
    } catch (error) {
      return finish('failed', error);
    }
    Promise.resolve(result).then(
      () => {
        if (settled) return logger.log('debug', { step: name, phase }, `step "${name}" (${phase}) settled after it was given up on`);
        // A hook that blocked the event loop past its bound overran it, even if it then succeeded.
        const overran = performance.now() - startedAt > boundMs;
        finish(overran ? 'timed-out' : 'ok', overran ? makeTimeoutError() : undefined);
      },
      (error: unknown) => {
        if (!settled) return finish('failed', error);
        logger.log('warn', { step: name, phase, err: error }, `step "${name}" (${phase}) rejected late: ${messageOf(error)}`);
      },
    );
  });
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(messageOf(error), { cause: error });
}
