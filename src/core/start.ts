import { performance } from 'node:perf_hooks';

import { PhaseTimeoutError, StartFailedError } from '../errors.js';
import { normalizeTimeout } from '../internal/validate.js';
import type { InternalLogger } from './logger.js';
import { runHook } from './run-hook.js';
import type { Step } from './step.js';
import type { ShutdownReport, StepReport } from './types.js';

export interface StartContext {
  steps: readonly Step[];
  /** 0 or Infinity: no bound of its own. */
  startTimeoutMs: number;
  signal: AbortSignal | undefined;
  /** Aborted when shutdown begins: start hooks still running are cut off, nothing new starts. */
  shutdownSignal: AbortSignal;
  force: AbortSignal;
  logger: InternalLogger;
  record(report: StepReport): void;
  shutdown(error: Error): Promise<ShutdownReport>;
}

export interface StartRun {
  done: Promise<void>;
  /** A step added while start() runs: started after its dependencies, under the same bound. */
  add(step: Step): void;
}

/**
 * Runs start hooks in dependency order, independent ones concurrently, all within
 * `startTimeoutMs`. On a failure, a timeout or an abort the lifecycle shuts down at once; shutting
 * down cuts off the start hooks still running (they are closed: they may have opened something)
 * and starts nothing new; the returned promise then rejects with `ERR_START_FAILED`.
 */
export function runStart(run: StartContext): StartRun {
  const origin = performance.now();
  const timeoutMs = normalizeTimeout(run.startTimeoutMs);
  const end = origin + timeoutMs;
  let failure: { step?: string; cause: unknown } | undefined;
  let rollback: { error: StartFailedError; done: Promise<unknown> } | undefined;
  const stop = (step: string | undefined, cause: unknown): void => {
    failure ??= step === undefined ? { cause } : { step, cause };
    if (rollback) return;
    // Rolling back now, not when the slowest sibling is done: shutdown cuts the others off.
    const error = new StartFailedError(failure.step, failure.cause);
    rollback = { error, done: run.shutdown(error) };
  };
  const onShutdown = (): void => void (failure ??= { cause: run.shutdownSignal.reason });
  const onAbort = (): void => stop(undefined, run.signal?.reason);
  run.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
  run.signal?.addEventListener('abort', onAbort, { once: true });

  const startStep = async (step: Step): Promise<boolean> => {
    const hook = step.hooks.start;
    if (!hook) return true;
    if (failure) return false;
    const ran = runHook({
      name: step.name,
      phase: 'start',
      hook,
      timeoutMs: step.timeoutMs,
      endMs: end,
      phaseBoundError: () => new PhaseTimeoutError(step.name, 'start', 'startTimeoutMs', timeoutMs),
      originMs: origin,
      force: run.force,
      cut: run.shutdownSignal,
      logger: run.logger,
    });
    const starting = Promise.resolve(ran).then((report) => {
      // A start that timed out or was cut off may still complete: closing it is the safe side.
      step.live = report.status !== 'failed' || run.shutdownSignal.aborted;
      step.starting = undefined;
      return report;
    });
    step.starting = starting;
    const report = await starting;
    run.record(report);
    if (report.status === 'ok') return true;
    stop(step.name, report.error);
    return false;
  };

  const started = new Map<string, Promise<boolean>>();
  const add = (step: Step): void => {
    // Until its start hook runs, a step has nothing to close.
    if (step.hooks.start) step.live = false;
    const dependencies = step.dependsOn.map((name) => started.get(name) ?? Promise.resolve(true));
    started.set(
      step.name,
      Promise.all(dependencies).then((ok) => ok.every(Boolean) && startStep(step)),
    );
  };
  for (const step of run.steps) add(step);
  if (run.signal?.aborted) onAbort();

  const done = (async (): Promise<void> => {
    // Ref'd on purpose: start() must settle even if the hooks hold nothing open.
    const keepAlive = setInterval(() => {}, 60_000);
    // Steps added meanwhile join the map: wait until it stops growing.
    for (let size = -1; size !== started.size;) {
      size = started.size;
      await Promise.all(started.values());
    }
    clearInterval(keepAlive);
    run.shutdownSignal.removeEventListener('abort', onShutdown);
    run.signal?.removeEventListener('abort', onAbort);
    if (!failure) return;
    const error = rollback?.error ?? new StartFailedError(failure.step, failure.cause);
    await (rollback?.done ?? run.shutdown(error));
    throw error;
  })();
  return { done, add };
}
