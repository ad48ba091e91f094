import { performance } from 'node:perf_hooks';

import { ForcedShutdownError, StepAbandonedError, StepTimeoutError } from '../errors.js';
import { messageOf } from '../internal/describe.js';
import { type LongTimer, setLongTimeout } from '../internal/long-timer.js';
import { toError } from '../internal/thrown.js';
import { onAbort } from '../internal/wait.js';
import { endExitOwner, type ExitOwner, runAsExitOwner } from './exit/exit-owner.js';
import type { InternalLogger } from './logger.js';
import type { BoundListener, SharedBounds } from './phase-bound.js';
import { askOpen } from './progress.js';
import type { Hook, Phase, StepReport } from './types.js';

export interface HookRun {
  name: string;
  phase: Phase;
  hook: Hook;
  /** The step's own timeout (Infinity: none). */
  timeoutMs: number;
  /** When the phase's bound ends (performance.now() time; Infinity: none); the effective bound is the sooner. */
  endMs: number;
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
  /** Called just before the hook, with the time it starts at. */
  onStart?: (startedAt: number) => void;
  /** What the step says it still has open: recorded when the hook is given up on (see StepReport.open). */
  describeOpen?: (() => string | undefined) | undefined;
}

/**
 * Runs one hook under its bound. Never throws or rejects: a sync throw, a rejection, a hang, a
 * forced stop or an overrun each become a status in the report; whatever the hook does afterwards
 * is logged as late, never left as an unhandled rejection. A hook that returns (or throws) without
 * a promise is over: its report is returned at once, with no timer, listener or promise made.
 */
export function runHook(run: HookRun): StepReport | Promise<StepReport> {
  const { name, phase } = run;
  const startedAt = performance.now();
  const boundMs = Math.min(run.timeoutMs, run.endMs - startedAt);
  if (run.force.aborted) return ended(run, startedAt, 'skipped', new ForcedShutdownError(name, phase));
  if (run.cut?.aborted) return ended(run, startedAt, 'skipped', new StepAbandonedError(name, phase, run.cut.reason));
  if (boundMs <= 0) return ended(run, startedAt, 'skipped', timeoutError(run, startedAt, boundMs));
  if (run.logger.debugOn()) run.logger.log('debug', { step: name, phase }, `step "${name}" (${phase}) started`);
  run.onStart?.(startedAt);
  // A hook declared without a parameter (see normalizeResource) never sees a signal: none is made.
  const controller = run.hook.length === 0 ? undefined : new AbortController();
  // Shutdown hooks: a deferred process.exit() the hook makes ends its step (see exit-owner.ts).
  const owner: ExitOwner | undefined = phase === 'start' ? undefined : { name, code: undefined, onExit: undefined };
  const call = (): unknown => (controller ? run.hook(controller.signal) : (run.hook as () => unknown)());
  let result: unknown;
  try {
    result = owner ? runAsExitOwner(owner, call) : call();
  } catch (error) {
    if (owner) endExitOwner(owner);
    // toError here: `throw undefined` is still a failure with an error.
    return withExit(ended(run, startedAt, 'failed', cutShort(run) ?? toError(error), controller), owner);
  }
  // Only an object or a function can be a thenable: anything else means the hook is done.
  if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
    return waitForHook(run, result, startedAt, boundMs, controller, owner);
  }
  if (owner) endExitOwner(owner);
  return withExit(doneAt(run, startedAt, boundMs, controller), owner);
}

/** The report of a hook that ended on its own now: forced, overran, or ok. */
function doneAt(run: HookRun, startedAt: number, boundMs: number, controller?: AbortController): StepReport {
  const endedAt = performance.now();
  const early = cutShort(run);
  if (early) return ended(run, startedAt, 'failed', early, controller, endedAt);
  // A hook that blocked the event loop past its bound overran it, even if it then succeeded.
  if (endedAt - startedAt > boundMs)
    return ended(run, startedAt, 'timed-out', timeoutError(run, startedAt, boundMs), controller, endedAt);
  return ended(run, startedAt, 'ok', undefined, controller, endedAt);
}

function withExit(report: StepReport, owner: ExitOwner | undefined): StepReport {
  if (owner?.code !== undefined) report.exited = owner.code;
  return report;
}

/** The hook returned something that may be a promise: wait for it, under its bound. */
function waitForHook(
  run: HookRun,
  result: object,
  startedAt: number,
  boundMs: number,
  controller: AbortController | undefined,
  owner: ExitOwner | undefined,
): Promise<StepReport> {
  const { name, phase, logger } = run;
  return new Promise<StepReport>((resolve) => {
    let settled = false;
    let timer: LongTimer | undefined = undefined;
    let stopListening: (() => void) | undefined;
    let stopCut: (() => void) | undefined;
    const finish = (status: StepReport['status'], error?: Error, endedAt?: number, givenUp = false): void => {
      if (settled) return;
      settled = true;
      timer?.clear();
      stopListening?.();
      stopCut?.();
      if (owner) endExitOwner(owner);
      // Asked before ended() aborts the hook's signal: what was open when we stopped waiting, not after.
      const open = givenUp ? askOpen(run.describeOpen) : undefined;
      const report = withExit(ended(run, startedAt, status, error, controller, endedAt), owner);
      if (open !== undefined) report.open = open;
      resolve(report);
    };
    // Its process.exit() (deferred) is the hook saying it is done, even if its promise never settles.
    const exited = (): void => {
      const endedAt = performance.now();
      const early = cutShort(run);
      if (early) return finish('failed', early, endedAt);
      const overran = endedAt - startedAt > boundMs;
      finish(overran ? 'timed-out' : 'ok', overran ? timeoutError(run, startedAt, boundMs) : undefined, endedAt);
    };
    // Shutdown forced or the start cut off while the hook ran: its listeners were not there yet.
    const early = cutShort(run);
    if (early) finish('failed', early);
    else {
      const onBound: BoundListener = (forced) =>
        forced
          ? finish('failed', new ForcedShutdownError(name, phase), undefined, true)
          : finish('timed-out', timeoutError(run, startedAt, boundMs), undefined, true);
      const { cut, bounds } = run;
      if (cut)
        stopCut = onAbort(cut, () =>
          finish('failed', new StepAbandonedError(name, phase, cut.reason), undefined, true),
        );
      if (bounds !== undefined) stopListening = bounds.add(startedAt + boundMs, onBound);
      else {
        stopListening = onAbort(run.force, () => onBound(true));
        timer = setLongTimeout(() => onBound(false), boundMs);
      }
      if (owner?.code !== undefined) exited();
      else if (owner) owner.onExit = exited;
    }
    settle(result).then(
      () => {
        if (settled)
          return logger.log(
            'debug',
            { step: name, phase },
            `step "${name}" (${phase}) settled after it was given up on`,
          );
        // A hook that blocked the event loop past its bound overran it, even if it then succeeded.
        const endedAt = performance.now();
        const overran = endedAt - startedAt > boundMs;
        finish(overran ? 'timed-out' : 'ok', overran ? timeoutError(run, startedAt, boundMs) : undefined, endedAt);
      },
      (error: unknown) => {
        if (!settled) return finish('failed', toError(error));
        // The hook stopping because we aborted its signal is what we asked for, not news.
        const level = controller?.signal.aborted && isAbortEcho(error, controller.signal) ? 'debug' : 'warn';
        logger.log(
          level,
          { step: name, phase, err: toError(error) },
          `step "${name}" (${phase}) rejected late: ${messageOf(error)}`,
        );
      },
    );
  });
}

/** The hook's report; a hook that did not succeed sees its signal abort with the report's error. */
function ended(
  run: HookRun,
  startedAt: number,
  status: StepReport['status'],
  error?: Error,
  controller?: AbortController,
  endedAt = performance.now(),
): StepReport {
  const report: StepReport = {
    name: run.name,
    phase: run.phase,
    status,
    startMs: startedAt - run.originMs,
    durationMs: endedAt - startedAt,
  };
  if (error !== undefined) report.error = error;
  if (status !== 'ok') controller?.abort(error);
  return report;
}

/** Shutdown forced, or the start cut off, since the hook was called (checked before, then again after). */
function cutShort(run: HookRun): Error | undefined {
  if (run.cut?.aborted) return new StepAbandonedError(run.name, run.phase, run.cut.reason);
  if (run.force.aborted) return new ForcedShutdownError(run.name, run.phase);
  return undefined;
}

function timeoutError(run: HookRun, startedAt: number, boundMs: number): Error {
  return run.endMs - startedAt < run.timeoutMs
    ? run.phaseBoundError()
    : new StepTimeoutError(run.name, run.phase, boundMs);
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
