import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  DuplicateStepError,
  InFlightTimeoutError,
  InvalidOptionError,
  LifecycleStateError,
  messageOf,
  ShutdownStartedError,
} from '../errors.js';
import { channels, publish } from './channels.js';
import { waitForExit } from './exit.js';
import { type InternalLogger, normalizeLogger } from './logger.js';
import { type NormalizedOptions, normalizeLifecycleOptions } from './options.js';
import { installProcessHooks } from './process-hooks.js';
import { decideExitCode, decideOutcome, sortSteps, summarize } from './report.js';
import { runHook } from './run-hook.js';
import { runStart } from './start.js';
import { createStep, type Step } from './step.js';
import type {
  AddOptions,
  Lifecycle,
  LifecycleEvents,
  LifecycleOptions,
  LifecycleState,
  Phase,
  Resource,
  ShutdownReport,
  StepReport,
} from './types.js';
import { waitForSettled, waitForTimeout } from './wait.js';
import { startWatchdog, type Watchdog } from './watchdog.js';

/** The report's name for the wait on work registered with `track()`. */
export const IN_FLIGHT_STEP = 'in-flight';

/** Creates a lifecycle: the one place a service's shutdown is declared and run. */
export function createLifecycle(options?: LifecycleOptions): Lifecycle {
  return new LifecycleImpl(normalizeLifecycleOptions(options));
}

class LifecycleImpl implements Lifecycle {
  readonly #options: NormalizedOptions;
  readonly #logger: InternalLogger;
  readonly #events = new EventEmitter();
  readonly #steps = new Map<string, Step>();
  readonly #tracked = new Set<Promise<unknown>>();
  readonly #controller = new AbortController();
  readonly #force = new AbortController();
  readonly #reports: StepReport[] = [];
  readonly #late: Promise<void>[] = [];
  readonly #running = new Set<string>();
  readonly #removeProcessHooks: () => void;
  #state: LifecycleState = 'idle';
  #startPromise: Promise<void> | undefined;
  #shutdownPromise: Promise<ShutdownReport> | undefined;
  #crash: Error | undefined;
  #origin = 0;
  #budgetEnd = 0;
  #deadlineEnd = 0;
  #watchdog: Watchdog | undefined;

  constructor(options: NormalizedOptions) {
    this.#options = options;
    this.#logger = normalizeLogger(options.logger);
    this.#removeProcessHooks = installProcessHooks(options.signals, options.handleErrors, {
      onSignal: (signal) => this.#onSignal(signal),
      onError: (kind, error) => this.#onError(kind, error),
    });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  get ready(): boolean {
    return this.#state === 'running';
  }
  get state(): LifecycleState {
    return this.#state;
  }
  get deadlineMs(): number {
    return this.#options.deadlineMs;
  }
  get preStopDelayMs(): number {
    return this.#options.preStopDelayMs;
  }

  add(name: string, resource: Resource, options?: AddOptions): this {
    if (name === IN_FLIGHT_STEP) throw new DuplicateStepError(name);
    const step = createStep(name, resource, options, this.#steps, this.#options.stepTimeoutMs);
    if (this.#state === 'closed') throw new LifecycleStateError(`add step "${name}"`, 'closed');
    this.#steps.set(name, step);
    for (const dependency of step.dependsOn) this.#steps.get(dependency)?.dependents.push(step);
    // Shutdown already began: close it at once rather than leave it open.
    if (this.#shutdownPromise) this.#late.push(this.#closeStep(step).then(() => this.#finishStep(step)));
    return this;
  }

  track<T>(work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Promise<T> {
    let promise: Promise<T>;
    if (typeof work === 'function') {
      try {
        promise = Promise.resolve(work(this.signal));
      } catch (error) {
        promise = Promise.reject(error);
      }
    } else if (work !== null && typeof work === 'object' && typeof work.then === 'function') {
      promise = Promise.resolve(work);
    } else {
      throw new InvalidOptionError('work', 'a promise or a function returning one', work);
    }
    this.#tracked.add(promise);
    promise.then(
      () => this.#tracked.delete(promise),
      (error: unknown) => {
        this.#tracked.delete(promise);
        this.#logger.log('debug', { err: error }, `tracked work rejected: ${messageOf(error)}`);
      },
    );
    return promise;
  }

  start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#startPromise) return this.#startPromise;
    if (this.#state !== 'idle') return Promise.reject(new LifecycleStateError('start', this.#state));
    this.#state = 'starting';
    this.#startPromise = runStart({
      steps: [...this.#steps.values()],
      startTimeoutMs: this.#options.startTimeoutMs,
      signal: options.signal,
      shutdownSignal: this.#controller.signal,
      force: this.#force.signal,
      deadlineMs: this.#options.deadlineMs,
      logger: this.#logger,
      record: (report) => this.#record(report),
      shutdown: (error) => this.shutdown(error),
    }).then(() => {
      if (this.#state === 'starting') this.#state = 'running';
    });
    return this.#startPromise;
  }

  shutdown(reason: string | Error = 'shutdown() called'): Promise<ShutdownReport> {
    if (typeof reason !== 'string' && !(reason instanceof Error)) {
      throw new InvalidOptionError('reason', 'a string or an Error', reason);
    }
    this.#shutdownPromise ??= this.#runShutdown(reason);
    return this.#shutdownPromise;
  }

  on<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this {
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }
  once<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this {
    this.#events.once(event, listener as (...args: unknown[]) => void);
    return this;
  }
  off<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this {
    this.#events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  async #runShutdown(reason: string | Error): Promise<ShutdownReport> {
    const { deadlineMs, preStopDelayMs, drainTimeoutMs } = this.#options;
    if (reason instanceof Error) this.#crash ??= reason;
    const reasonText = typeof reason === 'string' ? reason : messageOf(reason);
    const includeStart = this.#state === 'starting';
    const startedAt = new Date();
    this.#origin = performance.now();
    this.#deadlineEnd = this.#origin + deadlineMs;
    // Keep a little of the deadline for the finish phase and the exit itself.
    this.#budgetEnd = this.#deadlineEnd - Math.min(100, deadlineMs / 10);
    // Ref'd on purpose: a shutdown whose steps hold nothing open must not end with the event loop.
    const keepAlive = setInterval(() => {}, 60_000);
    this.#state = 'draining';
    this.#controller.abort(new ShutdownStartedError(reasonText));
    if (this.#options.watchdog) this.#startWatchdog();
    this.#logger.log('info', { reason: reasonText, deadlineMs }, `shutting down (${reasonText}), deadline ${deadlineMs} ms`);
    this.#emit('shutdown', { reason: reasonText, deadlineMs });
    publish(channels.shutdown, { reason: reasonText, deadlineMs });

    await waitForTimeout(Math.min(preStopDelayMs, this.#budgetEnd - performance.now()), this.#force.signal);
    const drainEnd = Math.min(performance.now() + drainTimeoutMs, this.#budgetEnd);
    const steps = [...this.#steps.values()];
    await Promise.all(steps.map((step) => this.#runPhase(step, 'drain', drainEnd)));
    await this.#waitForTracked(drainEnd);

    this.#state = 'closing';
    const closed = new Map<Step, Promise<void>>();
    for (const step of steps.reverse()) {
      // Steps were added after their dependencies, so every dependent is already in the map.
      const dependents = step.dependents.map((dependent) => closed.get(dependent) ?? Promise.resolve());
      closed.set(step, Promise.all(dependents).then(() => this.#closeStep(step)));
    }
    await Promise.all(closed.values());
    await this.#settleLate();

    this.#state = 'finishing';
    await Promise.all(steps.map((step) => this.#finishStep(step)));
    await this.#settleLate();

    const report = this.#buildReport(reasonText, startedAt, includeStart);
    this.#state = 'closed';
    clearInterval(keepAlive);
    this.#logger.log(report.outcome === 'clean' ? 'info' : 'warn', { report }, summarize(report));
    this.#emit('closed', report);
    publish(channels.closed, { report });
    if (this.#options.exit) {
      void waitForExit(report, this.#logger, this.#deadlineEnd, () => this.#dispose());
    } else {
      this.#dispose();
    }
    return report;
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

  async #runPhase(step: Step, phase: Phase, endMs: number): Promise<void> {
    const hook = step.hooks[phase];
    if (!hook) return;
    // A start hook still running when shutdown began: let it settle (bounded) before closing.
    if (step.starting) await waitForSettled(step.starting, endMs - performance.now(), this.#force.signal);
    const origin = this.#origin;
    if (!step.live) {
      return this.#record({ name: step.name, phase, status: 'skipped', startMs: performance.now() - origin, durationMs: 0 });
    }
    const label = `${step.name} (${phase})`;
    const report = await runHook({
      name: step.name,
      phase,
      hook,
      timeoutMs: step.timeoutMs,
      remainingMs: endMs - performance.now(),
      deadlineMs: this.#options.deadlineMs,
      originMs: origin,
      force: this.#force.signal,
      logger: this.#logger,
      onStart: () => {
        this.#running.add(label);
        this.#watchdog?.setRunning([...this.#running]);
        publish(channels.stepStart, { name: step.name, phase });
      },
    });
    this.#running.delete(label);
    this.#watchdog?.setRunning([...this.#running]);
    this.#record(report);
  }

  async #waitForTracked(drainEnd: number): Promise<void> {
    if (this.#tracked.size === 0) return;
    const pending = [...this.#tracked];
    const startMs = performance.now();
    const budgetMs = drainEnd - startMs;
    const done = await waitForSettled(Promise.allSettled(pending), budgetMs, this.#force.signal);
    const report: StepReport = {
      name: IN_FLIGHT_STEP,
      phase: 'drain',
      status: done ? 'ok' : this.#force.signal.aborted ? 'failed' : 'timed-out',
      startMs: startMs - this.#origin,
      durationMs: performance.now() - startMs,
    };
    if (!done) report.error = new InFlightTimeoutError(pending.filter((p) => this.#tracked.has(p)).length, budgetMs);
    this.#record(report);
  }

  async #settleLate(): Promise<void> {
    while (this.#late.length > 0) await Promise.all(this.#late.splice(0));
  }

  #record(report: StepReport): void {
    this.#reports.push(report);
    if (report.status === 'failed' || report.status === 'timed-out') {
      const what = `step "${report.name}" (${report.phase})`;
      const msg =
        report.status === 'failed'
          ? `${what} failed: ${messageOf(report.error)}`
          : `${what} timed out after ${Math.round(report.durationMs)} ms`;
      this.#logger.log(report.status === 'failed' ? 'error' : 'warn', { step: report.name, phase: report.phase, status: report.status, durationMs: report.durationMs, err: report.error }, msg);
    }
    this.#emit('step', report);
    publish(channels.step, report);
  }

  #buildReport(reason: string, startedAt: Date, includeStart: boolean): ShutdownReport {
    const steps = sortSteps(this.#reports.filter((step) => includeStart || step.phase !== 'start'));
    const forced = this.#force.signal.aborted;
    const partial: Omit<ShutdownReport, 'exitCode'> = {
      reason,
      outcome: decideOutcome(steps, forced, this.#crash !== undefined),
      startedAt: startedAt.toISOString(),
      durationMs: performance.now() - this.#origin,
      deadlineMs: this.#options.deadlineMs,
      steps,
    };
    if (this.#crash) partial.error = this.#crash;
    return { ...partial, exitCode: this.#exitCodeFor(partial) };
  }

  #exitCodeFor(partial: Omit<ShutdownReport, 'exitCode'>): number {
    const fallback = partial.outcome === 'clean' ? 0 : 1;
    try {
      const code = decideExitCode(this.#options.exitCodes, partial);
      if (Number.isInteger(code) && code >= 0 && code <= 255) return code;
      this.#logger.log('error', { code }, `exitCodes returned ${String(code)}, not an integer 0-255; using ${fallback}`);
    } catch (error) {
      this.#logger.log('error', { err: error }, `exitCodes threw: ${messageOf(error)}; using ${fallback}`);
    }
    return fallback;
  }

  #startWatchdog(): void {
    const probe = { reason: 'deadline', outcome: 'timed-out', startedAt: '', durationMs: this.#options.deadlineMs, deadlineMs: this.#options.deadlineMs, steps: [] } as const;
    try {
      this.#watchdog = startWatchdog(this.#options.deadlineMs, 0, this.#exitCodeFor({ ...probe, steps: [] }));
    } catch (error) {
      this.#logger.log('warn', { err: error }, `watchdog thread could not start: ${messageOf(error)}`);
    }
  }

  #onSignal(signal: NodeJS.Signals): void {
    if (!this.#shutdownPromise) {
      void this.shutdown(signal);
      return;
    }
    if (this.#force.signal.aborted || this.#state === 'closed') return;
    this.#logger.log('warn', { signal }, `second ${signal}: forcing shutdown, remaining steps skipped`);
    this.#force.abort();
  }

  #onError(kind: string, error: unknown): void {
    this.#logger.log('error', { err: error }, `${kind}: ${messageOf(error)}`);
    if (this.#shutdownPromise) return;
    this.#crash = error instanceof Error ? error : new Error(messageOf(error), { cause: error });
    void this.shutdown(`${kind}: ${messageOf(error)}`);
  }

  #emit<E extends keyof LifecycleEvents>(event: E, ...args: LifecycleEvents[E]): void {
    try {
      this.#events.emit(event, ...args);
    } catch (error) {
      this.#logger.log('error', { err: error }, `a "${event}" listener threw: ${messageOf(error)}`);
    }
  }

  #dispose(): void {
    this.#watchdog?.stop();
    this.#removeProcessHooks();
  }
}
