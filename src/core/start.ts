import { performance } from 'node:perf_hooks';
import { StartFailedError } from '../errors.js';
import type { InternalLogger } from './logger.js';
import { runHook } from './run-hook.js';
import type { Step } from './step.js';
import type { ShutdownReport, StepReport } from './types.js';
import { validateSignal } from './validate.js';

export interface StartRun {
  steps: readonly Step[];
  startTimeoutMs: number;
  signal: AbortSignal | undefined;
  /** Aborted when shutdown begins: start is abandoned. */
  shutdownSignal: AbortSignal;
  force: AbortSignal;
  deadlineMs: number;
  logger: InternalLogger;
  record(report: StepReport): void;
  shutdown(error: Error): Promise<ShutdownReport>;
}

/**
 * Runs start hooks in dependency order, independent ones concurrently, all within
 * `startTimeoutMs`. On a failure, a timeout, an abort or a shutdown meanwhile, nothing new starts,
 * the lifecycle shuts down (closing only what started) and the returned promise rejects.
 */
export async function runStart(run: StartRun): Promise<void> {
  validateSignal('signal', run.signal);
  const origin = performance.now();
  const end = origin + run.startTimeoutMs;
  const abandon = new AbortController();
  let failure: { step?: string; cause: unknown } | undefined;
  const stop = (step: string | undefined, cause: unknown): void => {
    failure ??= step === undefined ? { cause } : { step, cause };
    abandon.abort(cause);
  };
  const onShutdown = (): void => stop(undefined, run.shutdownSignal.reason);
  const onAbort = (): void => stop(undefined, run.signal?.reason);
  run.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
  run.signal?.addEventListener('abort', onAbort, { once: true });
  if (run.signal?.aborted) onAbort();
  // Ref'd on purpose: start() must settle even if the hooks hold nothing open.
  const keepAlive = setInterval(() => {}, 60_000);

  // Until its start hook runs, a step has nothing to close.
  for (const step of run.steps) if (step.hooks.start) step.live = false;
  const startStep = async (step: Step): Promise<boolean> => {
    const hook = step.hooks.start;
    if (!hook) return true;
    if (abandon.signal.aborted) return false;
    step.starting = runHook({
      name: step.name,
      phase: 'start',
      hook,
      timeoutMs: step.timeoutMs,
      remainingMs: end - performance.now(),
      deadlineMs: run.startTimeoutMs,
      originMs: origin,
      force: run.force,
      abort: abandon.signal,
      logger: run.logger,
    });
    const report = await step.starting;
    step.starting = undefined;
    // A start that timed out may still complete: closing it is the safe side.
    step.live = report.status === 'ok' || report.status === 'timed-out';
    run.record(report);
    if (report.status === 'ok') return true;
    stop(step.name, report.error);
    return false;
  };

  const started = new Map<string, Promise<boolean>>();
  for (const step of run.steps) {
    const dependencies = step.dependsOn.map((name) => started.get(name) ?? Promise.resolve(true));
    started.set(
      step.name,
      Promise.all(dependencies).then((ok) => ok.every(Boolean) && startStep(step)),
    );
  }
  await Promise.all(started.values());
  clearInterval(keepAlive);
  run.shutdownSignal.removeEventListener('abort', onShutdown);
  run.signal?.removeEventListener('abort', onAbort);
  if (!failure) return;
  const error = new StartFailedError(failure.step, failure.cause);
  await run.shutdown(error);
  throw error;
}

