import { performance } from 'node:perf_hooks';

import { DeadlineExceededError, PhaseTimeoutError, ProcessExitedError } from '../errors.js';
import { normalizeTimeout } from '../internal/validate.js';
import { waitForSettled } from '../internal/wait.js';
import { channels, publish } from './channels.js';
import type { Watchdog } from './exit/watchdog.js';
import { SharedBounds } from './phase-bound.js';
import { askOpen } from './progress.js';
import { runHook } from './run-hook.js';
import type { ShutdownContext } from './shutdown-context.js';
import type { Step } from './step.js';
import type { Phase, StepReport } from './types.js';

/**
 * The hooks one shutdown runs, step by step and phase by phase, and those still running: progress,
 * the watchdog and the snapshot of a process exiting mid-shutdown read them.
 */
export class RunningHooks {
  readonly #ctx: ShutdownContext;
  readonly #origin: number;
  /** Where steps other than telemetry must be done: a drain bound before it is drainTimeoutMs. */
  readonly #closeEnd: number;
  readonly #watchdog: Watchdog | undefined;
  readonly #running = new Map<string, StepReport>();
  /** Hooks whose bounds end in the same ms share one timer and force listener. */
  readonly #bounds: SharedBounds;

  constructor(ctx: ShutdownContext, origin: number, closeEnd: number, watchdog: Watchdog | undefined) {
    this.#ctx = ctx;
    this.#origin = origin;
    this.#closeEnd = closeEnd;
    this.#watchdog = watchdog;
    this.#bounds = new SharedBounds(ctx.force);
  }

  /** The hooks running now, by label, each with its report so far. */
  get running(): ReadonlyMap<string, StepReport> {
    return this.#running;
  }

  /** The hooks still running as the process exits mid-shutdown: each failed, cut short at `nowMs`. */
  cutShort(nowMs: number): StepReport[] {
    return [...this.#running.values()].map((step): StepReport => {
      const open = askOpen(this.#ctx.steps.get(step.name)?.hooks.describeOpen);
      const error = new ProcessExitedError(step.name, step.phase);
      return { ...step, status: 'failed', durationMs: nowMs - step.startMs, error, ...(open ? { open } : {}) };
    });
  }

  /** Runs the step's hook for `phase`: a promise while it runs; undefined when it is over already (no hook, or one that returned at once). */
  runPhase(step: Step, phase: Phase, endMs: number): Promise<void> | undefined {
    if (!step.hooks[phase]) return undefined;
    return step.starting ? this.#runAfterStart(step, step.starting, phase, endMs) : this.#runHook(step, phase, endMs);
  }

  /** A start hook still running when shutdown began: let it settle (bounded) before closing. */
  async #runAfterStart(step: Step, starting: Promise<unknown>, phase: Phase, endMs: number): Promise<void> {
    await waitForSettled(starting, endMs - performance.now(), this.#ctx.force);
    await this.#runHook(step, phase, endMs);
  }

  #runHook(step: Step, phase: Phase, endMs: number): Promise<void> | undefined {
    const hook = step.hooks[phase];
    if (!hook) return undefined;
    const { force, logger, options } = this.#ctx;
    if (!step.live) {
      this.#ctx.record({
        name: step.name,
        phase,
        status: 'skipped',
        startMs: performance.now() - this.#origin,
        durationMs: 0,
      });
      return undefined;
    }
    const label = `${step.name} (${phase})`;
    const phaseBoundError = (): Error =>
      phase === 'drain' && endMs < this.#closeEnd
        ? new PhaseTimeoutError(step.name, phase, 'drainTimeoutMs', normalizeTimeout(options.drainTimeoutMs))
        : new DeadlineExceededError(step.name, phase, options.deadlineMs);
    const report = runHook({
      name: step.name,
      phase,
      hook,
      timeoutMs: step.timeoutMs,
      endMs,
      phaseBoundError,
      originMs: this.#origin,
      force,
      bounds: this.#bounds,
      logger,
      describeOpen: step.hooks.describeOpen,
      onStart: (startedAt) => {
        this.#running.set(label, {
          name: step.name,
          phase,
          status: 'ok',
          startMs: startedAt - this.#origin,
          durationMs: 0,
        });
        this.#watchdog?.started(label);
        if (channels.stepStart.hasSubscribers) publish(channels.stepStart, { name: step.name, phase });
      },
    });
    if (report instanceof Promise) return report.then((done) => this.#hookEnded(label, done));
    this.#hookEnded(label, report);
    return undefined;
  }

  #hookEnded(label: string, report: StepReport): void {
    this.#running.delete(label);
    this.#watchdog?.finished(this.#running);
    this.#ctx.record(report);
  }
}
