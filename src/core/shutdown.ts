import { performance } from 'node:perf_hooks';

import { normalizeTimeout } from '../internal/validate.js';
import { waitForEach } from '../internal/wait.js';
import { planCloseOrder } from './close-order.js';
import type { Watchdog } from './exit/watchdog.js';
import { buildReport, startShutdownWatchdog } from './final-report.js';
import { waitForPreStop } from './pre-stop.js';
import { describeOpen, startProgress } from './progress.js';
import { decideExitCode } from './report.js';
import { RunningHooks } from './running-hooks.js';
import type { ShutdownContext } from './shutdown-context.js';
import type { Step } from './step.js';
import type { PreStopReport, ShutdownReport, StepReport } from './types.js';

export type { ShutdownContext } from './shutdown-context.js';

/** One shutdown: drain → close in reverse dependency order → finish, all inside the deadline. */
export class Shutdown {
  readonly #ctx: ShutdownContext;
  readonly #origin = performance.now();
  readonly #startedAt = new Date();
  readonly #deadlineEnd: number;
  /** Drain and close end a little before the deadline, keeping time for finish and exit. */
  readonly #budgetEnd: number;
  /** Where steps other than telemetry must be done: the telemetry reserve is kept after it. */
  readonly #closeEnd: number;
  readonly #late: Promise<void>[] = [];
  #phase: 'drain' | 'close' | 'finish' = 'drain';
  /** When the drain phase ends; undefined during the pre-stop delay (the drain has not begun). */
  #drainEnd: number | undefined;
  #watchdog: Watchdog | undefined;
  #includeStart = false;
  #preStop: PreStopReport | undefined;
  readonly #hooks: RunningHooks;

  constructor(ctx: ShutdownContext) {
    this.#ctx = ctx;
    const { deadlineMs } = ctx.options;
    this.#deadlineEnd = this.#origin + deadlineMs;
    this.#budgetEnd = this.#deadlineEnd - Math.min(100, deadlineMs / 10);
    const telemetry = [...ctx.steps.values()].some((step) => step.kind === 'telemetry');
    this.#closeEnd = this.#budgetEnd - (telemetry ? ctx.options.telemetryReserveMs : 0);
    if (ctx.options.watchdog) this.#watchdog = startShutdownWatchdog(ctx);
    this.#hooks = new RunningHooks(ctx, this.#origin, this.#closeEnd, this.#watchdog);
  }

  /** The final report of a process exiting mid-shutdown: steps still running are cut short. */
  snapshot(reason: string): ShutdownReport {
    const now = performance.now() - this.#origin;
    const cut = this.#hooks.cutShort(now);
    // Steps whose close never began are in it too, skipped: the summary's counts add up to the steps.
    const closeSeen = new Set([...this.#ctx.reports, ...cut].filter((r) => r.phase === 'close').map((r) => r.name));
    const never = [...this.#ctx.steps.values()]
      .filter((step) => step.hooks.close && !closeSeen.has(step.name))
      .map((step): StepReport => ({
        name: step.name,
        phase: 'close',
        status: 'skipped',
        startMs: now,
        durationMs: 0,
        kind: step.kind,
      }));
    const report = this.#buildReport(reason, this.#includeStart, { cut: [...cut, ...never] });
    this.#ctx.exitedEarly(report);
    return report;
  }

  async run(reason: string, includeStart: boolean): Promise<ShutdownReport> {
    const { options, steps, tracker, force } = this.#ctx;
    this.#includeStart = includeStart;
    this.#ctx.registration.began({ snapshot: () => this.snapshot(reason) }, reason);
    // Ref'd on purpose: a shutdown whose steps hold nothing open must not end with the event loop.
    const keepAlive = setInterval(() => {}, 60_000);
    const preStopEnd =
      performance.now() + Math.max(0, Math.min(options.preStopDelayMs, this.#closeEnd - performance.now()));
    tracker.begin(
      () => this.#drainEnd ?? Math.min(preStopEnd + normalizeTimeout(options.drainTimeoutMs), this.#closeEnd),
    );
    const stopProgress = startProgress(this.#ctx.logger, this.#origin, () =>
      describeOpen(this.#hooks.running.values(), steps, tracker.pendingCount),
    );
    this.#preStop = await waitForPreStop({
      maxMs: Math.min(options.preStopDelayMs, this.#closeEnd - performance.now()),
      quietMs: options.preStopQuietMs,
      sources: [...steps.values()].flatMap((step) => (step.hooks.traffic ? [step.hooks.traffic] : [])),
      force,
      originMs: this.#origin,
    });
    const drainTimeoutMs = normalizeTimeout(options.drainTimeoutMs);
    const drainEnd = Math.min(performance.now() + drainTimeoutMs, this.#closeEnd);
    this.#drainEnd = drainEnd;
    const drainBound =
      drainEnd < this.#closeEnd
        ? `drainTimeoutMs (${drainTimeoutMs} ms)`
        : `the ${options.deadlineMs} ms shutdown deadline`;
    await waitForEach([...steps.values()], (step) => this.#drainStep(step));
    const inFlight = await tracker.waitForPending(drainEnd - performance.now(), drainBound, force, this.#origin);
    if (inFlight) this.#ctx.record(inFlight);
    await this.#settleLate();

    this.#phase = 'close';
    this.#ctx.setState('closing');
    // Tier by tier (close-order.ts), `dependsOn` first; last added first inside a tier.
    planCloseOrder([...steps.values()]);
    await waitForEach([...steps.values()].reverse(), (step) => this.#closeStep(step));
    await this.#settleLate();

    this.#phase = 'finish';
    this.#ctx.setState('finishing');
    await waitForEach([...steps.values()], (step) => this.#finishStep(step));
    await this.#settleLate();
    // A throw from a process.nextTick or an unhandled rejection left by the last hook surfaces now,
    // so that it lands in this report rather than racing the exit.
    await new Promise((resolve) => setImmediate(resolve));

    const report = this.#buildReport(reason, includeStart);
    this.#ctx.setState('closed');
    clearInterval(keepAlive);
    stopProgress();
    return report;
  }

  /** Ends the shutdown: the coordinator ships the report, stands the watchdog down and exits when it owns the process. */
  end(report: ShutdownReport): void {
    const { logger, options, registration } = this.#ctx;
    registration.finished({
      report,
      logger,
      deadlineEnd: this.#deadlineEnd,
      watchdog: this.#watchdog,
      onReport: options.onReport,
    });
  }

  /**
   * A step added after shutdown began joins the phase under way: during drain it drains now and
   * closes with the others; later it closes at once (before the steps it depends on, which the
   * lifecycle checked have not begun closing) and finishes.
   */
  addLate(step: Step): void {
    // During the pre-stop delay, the drain phase (which reads the steps when it begins) takes it.
    if (this.#phase === 'drain') {
      const draining = this.#drainEnd === undefined ? undefined : this.#drainStep(step);
      if (draining) this.#late.push(draining);
    } else this.#late.push(Promise.resolve(this.#closeStep(step)).then(() => this.#finishStep(step)));
  }

  #drainStep(step: Step): Promise<void> | undefined {
    if (step.draining) return undefined;
    step.draining = true;
    return this.#hooks.runPhase(step, 'drain', this.#drainEnd ?? this.#budgetEnd);
  }

  /** Closes `step` once every step that depends on it has closed, late ones included; undefined once closed. */
  #closeStep(step: Step): Promise<void> | undefined {
    if (step.closed) return undefined;
    if (step.closing) return step.closing;
    const endMs = step.kind === 'telemetry' ? this.#budgetEnd : this.#closeEnd;
    // Waits for nothing (the common case): no loop, no extra async function.
    if (step.dependents.length === 0 && step.waitsFor.length === 0) {
      step.closeBegan = true;
      const running = this.#hooks.runPhase(step, 'close', endMs);
      if (running === undefined) step.closed = true;
      else step.closing = running.then(() => void (step.closed = true));
      return step.closing;
    }
    step.closing = (async () => {
      for (;;) {
        // Dependents added late (after the plan) are waited for too.
        const open = [...new Set([...step.waitsFor, ...step.dependents])].filter((other) => !other.closed);
        if (open.length === 0) break;
        await waitForEach(open, (other) => this.#closeStep(other));
      }
      step.closeBegan = true;
      await this.#hooks.runPhase(step, 'close', endMs);
      step.closed = true;
    })();
    return step.closing;
  }

  #finishStep(step: Step): Promise<void> | undefined {
    if (step.finishing) return undefined;
    step.finishing = true;
    return this.#hooks.runPhase(step, 'finish', this.#deadlineEnd);
  }

  async #settleLate(): Promise<void> {
    while (this.#late.length > 0) await Promise.all(this.#late.splice(0));
  }

  /**
   * A crash after the report was final, while the process is still exiting: the exit code must not
   * say clean. The report (already emitted) is corrected in place, since the exit reads it last.
   */
  crashedAfter(report: ShutdownReport, error: Error): void {
    if (report.outcome !== 'clean') return;
    report.outcome = 'failed';
    report.error ??= error;
    report.exitCode = decideExitCode(this.#ctx.options.exitCodes, report, this.#ctx.logger);
    if (this.#ctx.options.exit) process.exitCode = report.exitCode;
  }

  /** The report when the shutdown itself broke (a bug): still final, still not clean. */
  fail(reason: string, error: Error): ShutdownReport {
    const report = this.#buildReport(reason, true, { failure: error });
    this.#ctx.setState('closed');
    return report;
  }

  #buildReport(
    reason: string,
    includeStart: boolean,
    extra: { failure?: Error; cut?: StepReport[] } = {},
  ): ShutdownReport {
    return buildReport(this.#ctx, {
      reason,
      includeStart,
      origin: this.#origin,
      startedAt: this.#startedAt,
      preStop: this.#preStop,
      ...extra,
    });
  }
}
