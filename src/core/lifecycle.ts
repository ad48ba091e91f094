import { EventEmitter } from 'node:events';
import { DuplicateStepError, InvalidOptionError, LifecycleStateError, messageOf, ShutdownStartedError } from '../errors.js';
import { channels, publish } from './channels.js';
import { type InternalLogger, normalizeLogger } from './logger.js';
import { type NormalizedOptions, normalizeLifecycleOptions } from './options.js';
import { type Registration, registerLifecycle } from './coordinator.js';
import { ReadinessMark } from './readiness.js';
import { describeStep } from './report.js';
import { Shutdown } from './shutdown.js';
import { runStart } from './start.js';
import { createStep, type Step } from './step.js';
import { IN_FLIGHT_STEP, WorkTracker } from './tracker.js';
import type {
  AddOptions,
  Lifecycle,
  LifecycleEvents,
  LifecycleOptions,
  LifecycleState,
  Resource,
  ShutdownReport,
  StepReport,
} from './types.js';

/** Creates a lifecycle: the one place a service's shutdown is declared and run. */
export function createLifecycle(options?: LifecycleOptions): Lifecycle {
  return new LifecycleImpl(normalizeLifecycleOptions(options));
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
  #shutdownPromise: Promise<ShutdownReport> | undefined;
  #run: Shutdown | undefined;
  #crash: Error | undefined;
  readonly #mark: ReadinessMark;

  constructor(options: NormalizedOptions) {
    this.#options = options;
    this.#logger = normalizeLogger(options.logger);
    this.#tracker = new WorkTracker(this.#logger);
    for (const warning of options.warnings) this.#logger.log('warn', {}, warning);
    this.#mark = new ReadinessMark({ ready: () => this.ready, emit: (info) => this.#emit('readiness', info), logger: this.#logger });
    this.#registration = registerLifecycle({
      ...options,
      onSignal: (signal) => this.#onSignal(signal),
      onError: (kind, error) => this.#onError(kind, error),
      onShutdown: (reason) => void this.shutdown(reason),
    });
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
    this.#run?.addLate(step);
    return this;
  }

  track<T>(work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Promise<T> {
    return this.#tracker.track(work, this.signal);
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
    this.#shutdownPromise ??= this.#beginShutdown(reason);
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

  #beginShutdown(reason: string | Error): Promise<ShutdownReport> {
    if (reason instanceof Error) this.#crash ??= reason;
    const reasonText = typeof reason === 'string' ? reason : messageOf(reason);
    const { deadlineMs } = this.#options;
    const includeStart = this.#state === 'starting';
    this.#state = 'draining';
    this.#controller.abort(new ShutdownStartedError(reasonText));
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
      registration: this.#registration,
    });
    this.#logger.log('info', { reason: reasonText, deadlineMs }, `shutting down (${reasonText}), deadline ${deadlineMs} ms`);
    this.#emit('shutdown', { reason: reasonText, deadlineMs });
    publish(channels.shutdown, { reason: reasonText, deadlineMs });
    const run = this.#run;
    return run.run(reasonText, includeStart).then((report) => {
      this.#emit('closed', report);
      publish(channels.closed, { report });
      run.end(report);
      return report;
    });
  }

  #record(report: StepReport): void {
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
}
