import { EventEmitter } from 'node:events';

import { DuplicateStepError, InvalidOptionError, LifecycleStateError, ShutdownStartedError } from '../errors.js';
import { messageOf } from '../internal/describe.js';
import { isError, toError } from '../internal/thrown.js';
import { normalizeOptionsObject, validateSignal } from '../internal/validate.js';
import { adoptForeignListeners, uniqueName } from './adopted-steps.js';
import { channels, publish } from './channels.js';
import { registerLifecycle, type Registration } from './coordinator.js';
import { validateListener } from './events.js';
import { prestartWatchdog } from './exit/watchdog.js';
import { IN_FLIGHT_STEP, WorkTracker } from './in-flight.js';
import { type InternalLogger, normalizeLogger } from './logger.js';
import type { NormalizedOptions } from './options.js';
import { readLifecycleOptions } from './read-options.js';
import { ReadinessMark } from './readiness.js';
import { describeStep } from './report.js';
import { boundCloserWarning } from './resource.js';
import { Shutdown } from './shutdown.js';
import { runStart, type StartRun } from './start.js';
import { annotateReport, createStep, type Step } from './step.js';
import type {
  AddOptions,
  Lifecycle,
  LifecycleEvents,
  LifecycleOptions,
  LifecycleState,
  Resource,
  ShutdownReport,
  StepReport,
  TrackedWork,
} from './types.js';

/** Creates a lifecycle: the one place a service's shutdown is declared and run. */
export function createLifecycle(options?: LifecycleOptions): Lifecycle {
  return new LifecycleImpl(readLifecycleOptions(options));
}

class LifecycleImpl implements Lifecycle {
  readonly #options: NormalizedOptions;
  readonly #logger: InternalLogger;
  readonly #events = new EventEmitter();
  readonly #steps = new Map<string, Step>();
  readonly #tracker: WorkTracker;
  readonly #controller = new AbortController();
  readonly #force = new AbortController();
  readonly #reports: StepReport[] = [];
  readonly #registration: Registration;
  #state: LifecycleState = 'idle';
  #startPromise: Promise<void> | undefined;
  #startRun: StartRun | undefined;
  #shutdownPromise: Promise<ShutdownReport> | undefined;
  #run: Shutdown | undefined;
  #crash: Error | undefined;
  readonly #mark: ReadinessMark;
  #report: ShutdownReport | undefined;

  constructor(options: NormalizedOptions) {
    this.#options = options;
    this.#logger = normalizeLogger(options.logger);
    this.#tracker = new WorkTracker(this.#logger);
    for (const warning of options.warnings) this.#logger.log('warn', {}, warning);
    this.#mark = new ReadinessMark({
      ready: () => this.ready,
      emit: (info) => this.#emit('readiness', info),
      logger: this.#logger,
    });
    this.#registration = registerLifecycle({
      ...options,
      onSignal: (signal) => this.#onSignal(signal),
      onError: (kind, error) => this.#onError(kind, error),
      onShutdown: (reason) => void this.shutdown(reason),
    });
    // Its thread starts now, parked: shutdown only arms it, and keeps the CPU for the drain.
    if (options.watchdog) prestartWatchdog();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  get ready(): boolean {
    return this.#state === 'running' && this.#mark.reason === undefined;
  }
  get notReadyReason(): string | undefined {
    return this.#mark.reason;
  }
  markNotReady(reason?: string): this {
    this.#mark.markNotReady(reason);
    return this;
  }
  markReady(): this {
    this.#mark.markReady(this.#state);
    return this;
  }
  get state(): LifecycleState {
    return this.#state;
  }
  get deadlineMs(): number {
    return this.#options.deadlineMs;
  }
  get deadlineSource(): Lifecycle['deadlineSource'] {
    return this.#options.deadlineSource;
  }
  get preStopDelayMs(): number {
    return this.#options.preStopDelayMs;
  }

  add(name: string, resource: Resource, options?: AddOptions): this {
    // The report's name for tracked work is taken.
    if (name === IN_FLIGHT_STEP) throw new DuplicateStepError(name);
    const step = createStep(name, resource, options, this.#steps, this.#options.stepTimeoutMs);
    this.#validateLateStep(step);
    const warning = boundCloserWarning(name, resource);
    if (warning) this.#logger.log('warn', { step: name }, warning);
    this.#steps.set(name, step);
    for (const dependency of step.dependsOn) this.#steps.get(dependency)?.dependents.push(step);
    if (this.#state === 'starting') this.#startRun?.add(step);
    // Shutdown already began: the step joins the phase under way rather than stay open.
    this.#run?.addLate(step);
    return this;
  }

  /** What add() cannot honour once the lifecycle moved on: it throws, and nothing was added. */
  #validateLateStep(step: Step): void {
    const state = this.#state;
    if (state === 'closed') throw new LifecycleStateError(`add step "${step.name}"`, 'closed');
    if (step.hooks.start && state !== 'idle' && state !== 'starting') {
      throw new LifecycleStateError(
        `add step "${step.name}" with a start hook (start() has run: start it yourself, then add its other hooks)`,
        state,
      );
    }
    for (const dependency of step.dependsOn) {
      if (this.#steps.get(dependency)?.closeBegan) {
        throw new LifecycleStateError(
          `add step "${step.name}" depending on "${dependency}" (which has begun closing)`,
          state,
        );
      }
    }
  }

  track<T>(work: PromiseLike<T> | TrackedWork<T>): Promise<T> {
    return this.#tracker.track(work);
  }

  start(options?: { signal?: AbortSignal }): Promise<void> {
    let signal: unknown;
    try {
      signal = normalizeOptionsObject(options, ['signal'], 'start()')?.signal;
      validateSignal('signal', signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#state === 'closed') return Promise.reject(new LifecycleStateError('start', 'closed'));
    if (this.#startPromise) return this.#startPromise;
    if (this.#state !== 'idle') return Promise.reject(new LifecycleStateError('start', this.#state));
    this.#state = 'starting';
    this.#startRun = runStart({
      steps: [...this.#steps.values()],
      startTimeoutMs: this.#options.startTimeoutMs,
      signal,
      shutdownSignal: this.#controller.signal,
      force: this.#force.signal,
      logger: this.#logger,
      record: (report) => this.#record(report),
      shutdown: (error) => this.shutdown(error),
    });
    this.#startPromise = this.#startRun.done.then(() => {
      if (this.#state === 'starting') this.#state = 'running';
    });
    return this.#startPromise;
  }

  shutdown(reason: string | Error = 'shutdown() called'): Promise<ShutdownReport> {
    if (typeof reason !== 'string' && !isError(reason)) {
      throw new InvalidOptionError('reason', 'a string or an Error', reason);
    }
    if (!this.#shutdownPromise) {
      // Set before anything runs: a listener of `signal`, 'shutdown' or the diagnostics channel
      // that calls shutdown() again gets this same promise instead of a second shutdown.
      let begin!: (report: Promise<ShutdownReport>) => void;
      this.#shutdownPromise = new Promise<ShutdownReport>((resolve) => (begin = resolve));
      begin(this.#beginShutdown(reason));
    }
    return this.#shutdownPromise;
  }

  on<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this {
    validateListener(event, listener);
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }
  once<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this {
    validateListener(event, listener);
    this.#events.once(event, listener as (...args: unknown[]) => void);
    return this;
  }
  off<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this {
    validateListener(event, listener);
    this.#events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  #beginShutdown(reason: string | Error): Promise<ShutdownReport> {
    if (typeof reason !== 'string') this.#crash ??= toError(reason);
    const reasonText = typeof reason === 'string' ? reason : messageOf(reason);
    const { deadlineMs } = this.#options;
    const includeStart = this.#state === 'starting';
    this.#state = 'draining';
    // Before the abort: its listeners (and the process signalling itself from them) already see held exits.
    this.#registration.beginning();
    this.#controller.abort(new ShutdownStartedError(reasonText));
    // Begun by one of its signals: other code's listeners for it become close steps.
    for (const { name, hooks } of adoptForeignListeners(reason, this.#options, this.#logger))
      this.add(uniqueName(name, this.#steps), hooks, { kind: 'other' });
    this.#run = new Shutdown({
      options: this.#options,
      logger: this.#logger,
      steps: this.#steps,
      tracker: this.#tracker,
      force: this.#force.signal,
      reports: this.#reports,
      crash: () => this.#crash,
      setState: (state) => (this.#state = state),
      record: (report) => this.#record(report),
      exitedEarly: (report) => this.#closed(report),
      registration: this.#registration,
    });
    this.#logger.log(
      'info',
      { reason: reasonText, deadlineMs },
      `shutting down (${reasonText}), deadline ${deadlineMs} ms`,
    );
    this.#emit('shutdown', { reason: reasonText, deadlineMs });
    publish(channels.shutdown, { reason: reasonText, deadlineMs });
    const run = this.#run;
    return run
      .run(reasonText, includeStart)
      .catch((error: unknown) => run.fail(reasonText, toError(error)))
      .then((report) => {
        this.#closed(report);
        run.end(report);
        return report;
      });
  }

  /** 'closed' fires once: at the end of the shutdown, or with the snapshot of a process exiting during it. */
  #closed(report: ShutdownReport): void {
    if (this.#report) return;
    this.#report = report;
    this.#state = 'closed';
    this.#emit('closed', report);
    publish(channels.closed, { report });
  }

  #record(report: StepReport): void {
    if (report.name !== IN_FLIGHT_STEP) annotateReport(report, this.#steps.get(report.name));
    this.#reports.push(report);
    const line = describeStep(report);
    if (line) {
      const { name: step, phase, status, durationMs, error: err } = report;
      this.#logger.log(status === 'failed' ? 'error' : 'warn', { step, phase, status, durationMs, err }, line);
    }
    this.#emit('step', report);
    publish(channels.step, report);
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

  #onError(kind: string, thrown: unknown): void {
    const error = toError(thrown);
    this.#logger.log('error', { err: error }, `${kind}: ${messageOf(error)}`);
    // A crash while shutting down is part of what happened: it lands in the report (the first one),
    // and makes the outcome at least failed. Once the report is final it can only be logged.
    if (this.#state !== 'closed') this.#crash ??= error;
    else if (this.#report) this.#run?.crashedAfter(this.#report, error);
    if (!this.#shutdownPromise) void this.shutdown(`${kind}: ${messageOf(error)}`);
  }

  /** Every event has one argument; none is built into an array when nobody listens (a step's is per step). */
  #emit<E extends keyof LifecycleEvents>(event: E, arg: LifecycleEvents[E][0]): void {
    if (this.#events.listenerCount(event) === 0) return;
    try {
      this.#events.emit(event, arg);
    } catch (error) {
      this.#logger.log('error', { err: error }, `a "${event}" listener threw: ${messageOf(error)}`);
    }
  }
}
