import { performance } from 'node:perf_hooks';
import { ForcedShutdownError, messageOf, StepAbandonedError, StepTimeoutError } from '../errors.js';
import type { InternalLogger } from './logger.js';
import { type LongTimer, setLongTimeout } from './long-timer.js';
import type { BoundListener, SharedBounds } from './phase-bound.js';
import { toError } from './thrown.js';
import { onAbort } from './wait.js';
import type { Hook, Phase, StepReport } from './types.js';

export interface HookRun {
  name: string;
  phase: Phase;
  hook: Hook;
  /** The step's own timeout (Infinity: none). */
  timeoutMs: number;
  /** What is left of the phase's bound (Infinity: none); the effective bound is the smaller. */
  remainingMs: number;
  /** The error when the phase's bound, not the step's timeout, is what ran out. */
  phaseBoundError: () => Error;
  /** performance.now() at which the phase clock started: `startMs` is relative to it. */
  originMs: number;
  /** Aborted when shutdown is forced: the step is cut short at once. */
  force: AbortSignal;
  /** Aborted to give up on the hook at once (a start cut off by shutdown): the step fails. */
  cut?: AbortSignal;
  /** Timers and force listeners shared with the hooks whose bounds end in the same ms (shutdown's many steps). */
  bounds?: SharedBounds;
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
  const boundMs = Math.min(timeoutMs, remainingMs);
  const makeTimeoutError = (): Error =>
    remainingMs < timeoutMs ? run.phaseBoundError() : new StepTimeoutError(name, phase, boundMs);
  // A hook declared without a parameter (see normalizeResource) never sees a signal: none is made.
  const controller = run.hook.length === 0 ? undefined : new AbortController();
  const startedAt = performance.now();

  return new Promise<StepReport>((resolve) => {
    let settled = false;
    let timer: LongTimer | undefined = undefined;
    let stopListening: (() => void) | undefined;
    let stopCut: (() => void) | undefined;
    const finish = (status: StepReport['status'], error?: unknown): void => {
      if (settled) return;
      settled = true;
      timer?.clear();
      stopListening?.();
      stopCut?.();
      const report: StepReport = {
        name,
        phase,
        status,
        startMs: startedAt - run.originMs,
        durationMs: performance.now() - startedAt,
      };
      if (error !== undefined) report.error = toError(error);
      if (status !== 'ok') controller?.abort(report.error);
      resolve(report);
    };

    if (run.force.aborted) return finish('skipped', new ForcedShutdownError(name, phase));
    if (run.cut?.aborted) return finish('skipped', new StepAbandonedError(name, phase, run.cut.reason));
    if (boundMs <= 0) return finish('skipped', makeTimeoutError());
    const onBound: BoundListener = (forced) =>
      forced ? finish('failed', new ForcedShutdownError(name, phase)) : finish('timed-out', makeTimeoutError());
    const { cut, bounds } = run;
    if (cut) stopCut = onAbort(cut, () => finish('failed', new StepAbandonedError(name, phase, cut.reason)));
    if (bounds !== undefined) stopListening = bounds.add(startedAt + boundMs, onBound);
    else {
      stopListening = onAbort(run.force, () => onBound(true));
      timer = setLongTimeout(() => onBound(false), boundMs);
    }
    if (logger.debugOn()) logger.log('debug', { step: name, phase }, `step "${name}" (${phase}) started`);
    run.onStart?.();

    let result: unknown;
    try {
      result = controller ? run.hook(controller.signal) : (run.hook as () => unknown)();
    } catch (error) {
      // toError here: `throw undefined` is still a failure with an error.
      return finish('failed', toError(error));
    }
    settle(result).then(
      () => {
        if (settled) return logger.log('debug', { step: name, phase }, `step "${name}" (${phase}) settled after it was given up on`);
        // A hook that blocked the event loop past its bound overran it, even if it then succeeded.
        const overran = performance.now() - startedAt > boundMs;
        finish(overran ? 'timed-out' : 'ok', overran ? makeTimeoutError() : undefined);
      },
      (error: unknown) => {
        if (!settled) return finish('failed', toError(error));
        // The hook stopping because we aborted its signal is what we asked for, not news.
        const level = controller?.signal.aborted && isAbortEcho(error, controller.signal) ? 'debug' : 'warn';
        logger.log(level, { step: name, phase, err: toError(error) }, `step "${name}" (${phase}) rejected late: ${messageOf(error)}`);
      },
    );
  });
}

/** Adopts a hook's result; a thenable whose `then` throws or is a throwing getter becomes a rejection. */
function settle(result: unknown): Promise<unknown> {
  try {
    return Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}

function isAbortEcho(error: unknown, signal: AbortSignal): boolean {
  if (error === signal.reason) return true;
  try {
    const { name, code } = error as { name?: unknown; code?: unknown };
    return name === 'AbortError' || code === 'ERR_ABORTED' || code === 'ABORT_ERR';
  } catch {
    return false;
  }
}
