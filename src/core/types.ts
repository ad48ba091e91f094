import type { DeadlineSource } from './deadline-source.js';

export type { DeadlineSource, DeadlinePlatform } from './deadline-source.js';
import type { StepKind } from './kinds.js';

export type { StepKind } from './kinds.js';
import type { Outcome, RequestCounts, ShutdownReport, StepReport } from './report-types.js';

export type {
  Outcome,
  Phase,
  PreStopEnd,
  PreStopReport,
  RequestCounts,
  ShutdownReport,
  StepReport,
  StepStatus,
  WorkCounts,
} from './report-types.js';

/** A hook receives an AbortSignal that aborts at the step's timeout (or when shutdown is forced). */
export type Hook = (signal: AbortSignal) => unknown;

/** The explicit resource shape. `finish` runs after every close, next to PID-file removal. */
export interface ResourceHooks {
  start?: Hook;
  drain?: Hook;
  close?: Hook;
  finish?: Hook;
  /** Not a hook: arrivals of new work (requests) the pre-stop watches to end when traffic ends. */
  traffic?: TrafficWatch;
  /** Not a hook: what the resource still has open ("3 jobs running"), for the progress line of a long shutdown; undefined when nothing. */
  describeOpen?: () => string | undefined;
  /** Not a hook: what an HTTP step answered since its drain began (lastcall/http fills it). */
  requestCounts?: () => RequestCounts | undefined;
}

/** What a server tells the pre-stop: when work last arrived and the largest gap between arrivals (performance.now() ms). */
export interface TrafficWatch {
  /** performance.now() of the last arrival, undefined if none yet. */
  lastArrival(): number | undefined;
  /** The largest gap between consecutive arrivals in the `lookbackMs` before `now`; 0 with fewer than two. */
  largestGap(now: number, lookbackMs: number): number;
}

/** Objects from lastcall's own modules describe their hooks through this symbol. */
export const lifecycleHooks: unique symbol = Symbol.for('lastcall.lifecycleHooks') as never;

export interface HooksProvider {
  [lifecycleHooks](): ResourceHooks;
}

/** Anything lastcall can close: hooks, one of the usual close methods, or async disposal. */
export type Resource =
  | ResourceHooks
  | HooksProvider
  | AsyncDisposable
  | { close(...args: never[]): unknown }
  | { end(...args: never[]): unknown }
  | { quit(...args: never[]): unknown }
  | { disconnect(...args: never[]): unknown }
  | { destroy(...args: never[]): unknown };

export interface AddOptions {
  /** Per-hook timeout; default the lifecycle's `stepTimeoutMs`. 0 or Infinity: no step timeout. */
  timeoutMs?: number;
  /** Steps this one uses: it starts after them and closes before them. They must be added first. */
  dependsOn?: readonly string[];
  /** What it is; decides its close tier when no `dependsOn` orders it. Default: inferred from its shape, else 'other'. */
  kind?: StepKind;
}

/** A service manager whose exit-code conventions core/exit/presets.ts knows. */
export type ExitPreset = 'systemd' | 'launchd' | 'kubernetes';
export type LifecycleState = 'idle' | 'starting' | 'running' | 'draining' | 'closing' | 'finishing' | 'closed';

/** pino-compatible: `(obj, msg)`. Any subset of levels may be missing; `flush` is used when present. */
export interface Logger {
  info?(obj: object, msg?: string): void;
  warn?(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
  flush?(callback?: (error?: Error) => void): void;
}

/** Ships the final report before the process exits; awaited within what is left of the deadline. */
export type OnReport = (report: ShutdownReport, signal: AbortSignal) => unknown;

export type ExitCodes = Partial<Record<Outcome, number>> | ((report: Omit<ShutdownReport, 'exitCode'>) => number);

export interface LifecycleOptions {
  /** Whole shutdown budget in ms. Default: the platform's grace period minus a margin (docs/deadline.md), else 25000; env LASTCALL_DEADLINE_MS overrides. */
  deadlineMs?: number;
  /** Default per-hook timeout. Default 10000; env LASTCALL_STEP_TIMEOUT_MS overrides. */
  stepTimeoutMs?: number;
  /** Bound on the drain phase (drain hooks and tracked work). Default half the deadline. */
  drainTimeoutMs?: number;
  /** Bound on start(). Default 60000. */
  startTimeoutMs?: number;
  /** Longest time between readiness turning false and draining, for load balancers to stop routing here; ends sooner when traffic ends (`preStopQuietMs`). Default 5000 when KUBERNETES_SERVICE_HOST is set (every Kubernetes pod), else 0. Capped at half the deadline. */
  preStopDelayMs?: number;
  /** The pre-stop ends once no request reached a watched server (httpServer()) for this long, and for 3× the largest gap between requests before the stop. Infinity: always wait the whole preStopDelayMs. Default 300. */
  preStopQuietMs?: number;
  /** Signals that start a shutdown; a second one forces it. false: install none. Default ['SIGTERM', 'SIGINT']. */
  signals?: readonly NodeJS.Signals[] | false;
  /** Shut down on uncaughtException / unhandledRejection (exit code 1). Default: same as `exit`. */
  handleErrors?: boolean;
  /** process.exit(report.exitCode) after shutdown. Default true when signals are installed. */
  exit?: boolean;
  /** Outcome → exit code, or a function of the report. Default clean 0, otherwise 1. */
  exitCodes?: ExitCodes;
  /** Exit codes a service manager expects ('systemd', 'launchd', 'kubernetes'); `exitCodes` entries win. Default: none. */
  exitPreset?: ExitPreset;
  /** pino-compatible logger; false silences. Default: concise lines on stderr. */
  logger?: Logger | false;
  /** Watchdog thread that ends the process at the deadline even if the event loop is blocked. Default: same as `exit`. */
  watchdog?: boolean;
  /** Called with the final report before exit, awaited within what is left of the deadline. Default: none. */
  onReport?: OnReport;
  /** After a clean shutdown begun by a signal, end by that signal (exit status 128+n) instead of exit(0). Default false. */
  reraiseSignal?: boolean;
  /**
   * Stop-signal listeners other code registered (before or after this lifecycle) run as bounded
   * close steps after intake has drained, instead of on their own at the signal. false: leave them
   * alone, with one warning naming each at shutdown. Default true.
   */
  adoptSignalListeners?: boolean;
  /**
   * The last part of the deadline kept for `telemetry` steps (traces, errors, logs flushed after
   * everything else): earlier steps' bounds end before it. Default min(2000, 10% of the deadline).
   */
  telemetryReserveMs?: number;
}

/** What tracked work learns of its budget: aborted when the drain stops waiting; time left until then. */
export interface TrackContext {
  readonly signal: AbortSignal;
  /** ms until the drain phase stops waiting for tracked work; Infinity before shutdown begins. */
  remainingMs(): number;
}

/** Tracked work as a function: called at once with the abort signal and its context. */
export type TrackedWork<T> = (signal: AbortSignal, context: TrackContext) => PromiseLike<T>;

export interface LifecycleEvents {
  /** Shutdown began: readiness is already false and `signal` aborted. */
  shutdown: [info: { reason: string; deadlineMs: number }];
  /** A step finished (any phase, start included). */
  step: [step: StepReport];
  /** Exactly once, with the final report. */
  closed: [report: ShutdownReport];
  /** markNotReady()/markReady() changed the service's mark; `ready` is `life.ready` after it. */
  readiness: [info: { ready: boolean; reason?: string }];
}

export interface Lifecycle {
  /** Registers a resource. During shutdown it is closed at once, bounded, and reported. */
  add(name: string, resource: Resource, options?: AddOptions): this;
  /** In-flight work the drain phase waits for (bounded by `drainTimeoutMs`). Returns the same promise. */
  track<T>(work: PromiseLike<T> | TrackedWork<T>): Promise<T>;
  /** Runs start hooks in dependency order; rolls back and rejects with `ERR_START_FAILED` on failure. */
  start(options?: { signal?: AbortSignal }): Promise<void>;
  /** Idempotent: every caller gets the same report promise. */
  shutdown(reason?: string | Error): Promise<ShutdownReport>;
  /** Aborted when shutdown begins. */
  readonly signal: AbortSignal;
  /** true after start() completed, before shutdown began, and while not marked not ready. */
  readonly ready: boolean;
  /** Marks the service not ready (`ready` false, /readyz 503 with `reason`) without shutting down. Any state. */
  markNotReady(reason?: string): this;
  /** Clears markNotReady(); throws `ERR_LIFECYCLE_STATE` once shutdown began. */
  markReady(): this;
  /** The reason given to markNotReady() while the mark is set, else undefined. */
  readonly notReadyReason: string | undefined;
  readonly state: LifecycleState;
  /** The effective deadline and pre-stop delay, after env overrides. */
  readonly deadlineMs: number;
  /** Where deadlineMs came from. */
  readonly deadlineSource: DeadlineSource;
  readonly preStopDelayMs: number;
  on<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this;
  once<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this;
  off<E extends keyof LifecycleEvents>(event: E, listener: (...args: LifecycleEvents[E]) => void): this;
}
