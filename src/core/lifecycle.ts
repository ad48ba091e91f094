import { DuplicateStepError, InvalidOptionError, LifecycleStateError, ShutdownStartedError } from '../errors.js';
import { messageOf } from '../internal/describe.js';
import { isError, toError } from '../internal/thrown.js';
import { normalizeOptionsObject, validateSignal } from '../internal/validate.js';
import { adoptForeignListeners, uniqueName } from './adopted-steps.js';
import type { Registration } from './coordinator.js';
import { prestartWatchdog } from './exit/watchdog.js';
import { IN_FLIGHT_STEP, WorkTracker } from './in-flight.js';
import { validateLateStep } from './late-step.js';
import { LifecycleEmitter } from './lifecycle-emitter.js';
import { registerMember } from './lifecycle-member.js';
import { type InternalLogger, normalizeLogger } from './logger.js';
import type { NormalizedOptions } from './options.js';
import { readLifecycleOptions } from './read-options.js';
import { ReadinessMark } from './readiness.js';
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
  readonly #events: LifecycleEmitter;
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
    this.#events = new LifecycleEmitter(this.#logger);
    this.#tracker = new WorkTracker(this.#logger);
    for (const warning of options.warnings) this.#logger.log('warn', {}, warning);
    this.#mark = new ReadinessMark({
      ready: () => this.ready,
      emit: (info) => this.#events.emit('readiness', info),
      logger: this.#logger,
    });
    this.#registration = registerMember(options, {
      logger: this.#logger,
      force: this.#force,
      shuttingDown: () => this.#shutdownPromise !== undefined,
      closed: () => this.#state === 'closed',
      shutdown: (reason) => void this.shutdown(reason),
      crashed: (error) => this.#crashed(error),
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
    validateLateStep(step, this.#state, this.#steps);
    const warning = boundCloserWarning(name, resource);
    if (warning) this.#logger.log('warn', { step: name }, warning);
    this.#steps.set(name, step);
    for (const dependency of step.dependsOn) this.#steps.get(dependency)?.dependents.push(step);
    if (this.#state === 'starting') this.#startRun?.add(step);
    // Shutdown already began: the step joins the phase under way rather than stay open.
    this.#run?.addLate(step);
    return this;
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
    this.#events.on(event, listener);
    return this;
  }
  once<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this {
    this.#events.once(event, listener);
    return this;
  }
  off<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this {
    this.#events.off(event, listener);
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
    this.#events.shutdown(reasonText, deadlineMs);
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
    this.#events.closed(report);
  }

  #record(report: StepReport): void {
    if (report.name !== IN_FLIGHT_STEP) annotateReport(report, this.#steps.get(report.name));
    this.#reports.push(report);
    this.#events.step(report);
  }

  #crashed(error: Error): void {
    // A crash while shutting down is part of what happened: it lands in the report (the first one),
    // and makes the outcome at least failed. Once the report is final it can only be logged.
    if (this.#state !== 'closed') this.#crash ??= error;
    else if (this.#report) this.#run?.crashedAfter(this.#report, error);
  }
}
