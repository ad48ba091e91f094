import { performance } from 'node:perf_hooks';
import { messageOf, ProcessExitedError } from '../errors.js';
import { channels, publish } from './channels.js';
import type { Registration } from './coordinator.js';
import type { InternalLogger } from './logger.js';
import type { NormalizedOptions } from './options.js';
import { decideExitCode, decideOutcome, sortSteps, summarize } from './report.js';
import { describeOpen, startProgress } from './progress.js';
import { runHook } from './run-hook.js';
import type { Step } from './step.js';
import type { WorkTracker } from './tracker.js';
import type { LifecycleState, Phase, ShutdownReport, StepReport } from './types.js';
import { waitForSettled, waitForTimeout } from './wait.js';
import { startWatchdog, type Watchdog } from './watchdog.js';

/** What a shutdown needs from its lifecycle. */
export interface ShutdownContext {
  options: NormalizedOptions;
  logger: InternalLogger;
  steps: ReadonlyMap<string, Step>;
  tracker: WorkTracker;
  force: AbortSignal;
  /** Every step report so far, start steps included. */
  reports: readonly StepReport[];
  crash(): Error | undefined;
  setState(state: LifecycleState): void;
  record(report: StepReport): void;
  /** The process-wide coordinator: it owns the exit. */
  registration: Registration;
}

/** One shutdown: drain → close in reverse dependency order → finish, all inside the deadline. */
export class Shutdown {
  readonly #ctx: ShutdownContext;
  readonly #origin = performance.now();
  readonly #startedAt = new Date();
  readonly #deadlineEnd: number;
  /** Drain and close end a little before the deadline, keeping time for finish and exit. */
  readonly #budgetEnd: number;
  readonly #late: Promise<void>[] = [];
  readonly #running = new Map<string, StepReport>();
  #watchdog: Watchdog | undefined;
  #includeStart = false;

  constructor(ctx: ShutdownContext) {
    this.#ctx = ctx;
    const { deadlineMs } = ctx.options;
    this.#deadlineEnd = this.#origin + deadlineMs;
    this.#budgetEnd = this.#deadlineEnd - Math.min(100, deadlineMs / 10);
    if (ctx.options.watchdog) this.#startWatchdog();
  }

  /** The report so far, for a process exiting mid-shutdown: steps still running are cut short. */
  snapshot(reason: string): ShutdownReport {
    const now = performance.now() - this.#origin;
    const cut = [...this.#running.values()].map((step): StepReport => ({
      ...step,
      status: 'failed',
      durationMs: now - step.startMs,
      error: new ProcessExitedError(step.name, step.phase),
    }));
    return this.#buildReport(reason, this.#includeStart, cut);
  }

  async run(reason: string, includeStart: boolean): Promise<ShutdownReport> {
    const { options, steps, tracker, force } = this.#ctx;
    this.#includeStart = includeStart;
    this.#ctx.registration.began({ snapshot: () => this.snapshot(reason) }, reason);
    // Ref'd on purpose: a shutdown whose steps hold nothing open must not end with the event loop.
    const keepAlive = setInterval(() => {}, 60_000);
    const stopProgress = startProgress(this.#ctx.logger, this.#origin, () => describeOpen(this.#running.keys(), tracker.pendingCount));
    await waitForTimeout(Math.min(options.preStopDelayMs, this.#budgetEnd - performance.now()), force);
    const drainEnd = Math.min(performance.now() + options.drainTimeoutMs, this.#budgetEnd);
    const all = [...steps.values()];
    // A drain cut at drainEnd names drainTimeoutMs, unless the deadline came first.
    const drainLimit = drainEnd < this.#budgetEnd ? { option: 'drainTimeoutMs', ms: options.drainTimeoutMs } : undefined;
    await Promise.all(all.map((step) => this.#runPhase(step, 'drain', drainEnd, drainLimit)));
    const inFlight = await tracker.waitForPending(drainEnd - performance.now(), force, this.#origin);
    if (inFlight) this.#ctx.record(inFlight);

    this.#ctx.setState('closing');
    const closed = new Map<Step, Promise<void>>();
    for (const step of all.reverse()) {
      // Steps were added after their dependencies, so every dependent is already in the map.
      const dependents = step.dependents.map((dependent) => closed.get(dependent) ?? Promise.resolve());
      closed.set(step, Promise.all(dependents).then(() => this.#closeStep(step)));
    }
    await Promise.all(closed.values());
    await this.#settleLate();

    this.#ctx.setState('finishing');
    await Promise.all(all.map((step) => this.#finishStep(step)));
    await this.#settleLate();

    const report = this.#buildReport(reason, includeStart);
    this.#ctx.setState('closed');
    clearInterval(keepAlive);
    stopProgress();
    return report;
  }

  /** Ends the shutdown: the coordinator ships the report, stands the watchdog down and exits when it owns the process. */
  end(report: ShutdownReport): void {
    const { logger, options, registration } = this.#ctx;
    registration.finished({ report, logger, deadlineEnd: this.#deadlineEnd, watchdog: this.#watchdog, onReport: options.onReport });
  }

  /** A step added after shutdown began: closed (and finished) at once, and waited for. */
  addLate(step: Step): void {
    this.#late.push(this.#closeStep(step).then(() => this.#finishStep(step)));
  }

  #closeStep(step: Step): Promise<void> {
    if (step.closing) return Promise.resolve();
    step.closing = true;
    return this.#runPhase(step, 'close', this.#budgetEnd);
  }

  #finishStep(step: Step): Promise<void> {
    if (step.finishing) return Promise.resolve();
    step.finishing = true;
    return this.#runPhase(step, 'finish', this.#deadlineEnd);
  }

  async #runPhase(step: Step, phase: Phase, endMs: number, limit?: { option: string; ms: number }): Promise<void> {
    const hook = step.hooks[phase];
    if (!hook) return;
    const { force, logger, options } = this.#ctx;
    // A start hook still running when shutdown began: let it settle (bounded) before closing.
    if (step.starting) await waitForSettled(step.starting, endMs - performance.now(), force);
    if (!step.live) {
      return this.#ctx.record({ name: step.name, phase, status: 'skipped', startMs: performance.now() - this.#origin, durationMs: 0 });
    }
    const label = `${step.name} (${phase})`;
    const report = await runHook({
      name: step.name,
      phase,
      hook,
      timeoutMs: step.timeoutMs,
      remainingMs: endMs - performance.now(),
      ...(limit && { limit }),
      deadlineMs: options.deadlineMs,
      originMs: this.#origin,
      force,
      logger,
      onStart: () => {
        logger.log('debug', { step: step.name, phase }, `step "${step.name}" (${phase}) started`);
        this.#running.set(label, { name: step.name, phase, status: 'ok', startMs: performance.now() - this.#origin, durationMs: 0 });
        this.#watchdog?.started(label);
        publish(channels.stepStart, { name: step.name, phase });
      },
    });
    this.#running.delete(label);
    this.#watchdog?.finished(this.#running);
    this.#ctx.record(report);
  }

  async #settleLate(): Promise<void> {
    while (this.#late.length > 0) await Promise.all(this.#late.splice(0));
  }

  #buildReport(reason: string, includeStart: boolean, cut: StepReport[] = []): ShutdownReport {
    const { options, force, logger } = this.#ctx;
    const steps = sortSteps([...this.#ctx.reports.filter((step) => includeStart || step.phase !== 'start'), ...cut]);
    const crash = this.#ctx.crash();
    const partial: Omit<ShutdownReport, 'exitCode'> = {
      reason,
      outcome: decideOutcome(steps, force.aborted, crash !== undefined),
      startedAt: this.#startedAt.toISOString(),
      durationMs: performance.now() - this.#origin,
      deadlineMs: options.deadlineMs,
      steps,
    };
    if (crash) partial.error = crash;
    const report = { ...partial, exitCode: decideExitCode(options.exitCodes, partial, logger) };
    logger.log(report.outcome === 'clean' ? 'info' : 'warn', { report }, summarize(report));
    return report;
  }

  #startWatchdog(): void {
    const { options, logger } = this.#ctx;
    // The code the watchdog exits with is decided now: once it fires, this thread may be stuck.
    const { deadlineMs } = options;
    const whenFired: Omit<ShutdownReport, 'exitCode'> = { reason: 'deadline', outcome: 'timed-out', startedAt: '', durationMs: deadlineMs, deadlineMs, steps: [] };
    try {
      this.#watchdog = startWatchdog(deadlineMs, decideExitCode(options.exitCodes, whenFired, logger));
    } catch (error) {
      logger.log('warn', { err: error }, `watchdog thread could not start: ${messageOf(error)}`);
    }
  }
}
