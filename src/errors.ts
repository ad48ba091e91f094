// The one registry of lastcall's errors, one section per module in module order. Every error has
// a literal `code` that follows from its class name (FooBarError → ERR_FOO_BAR; "PidFile" is one
// word, PIDFILE) and structured fields, so callers branch on `err.code` instead of parsing messages.
// `instanceof` works across the ESM and CommonJS builds (errors/base.ts). CLI-only errors: cli/errors.ts.

export { LastcallError, type LastcallErrorOptions } from './errors/base.js';

/** core: options and steps, the lifecycle's state, the shutdown's bounds */
export {
  AbortedError,
  DeadlineExceededError,
  DependencyCycleError,
  DuplicateStepError,
  ForcedShutdownError,
  InFlightTimeoutError,
  InvalidOptionError,
  InvalidResourceError,
  LifecycleStateError,
  PhaseTimeoutError,
  ProcessExitedError,
  RequestsLostError,
  ShutdownStartedError,
  StartFailedError,
  StepAbandonedError,
  StepTimeoutError,
  TrackedWorkFailedError,
  UnknownDependencyError,
  UnknownOptionError,
  WorkerThreadsFailedError,
} from './errors/core.js';

/** http: the server handed over, its forced close, health checks */
export {
  HealthCheckTimeoutError,
  HttpForcedCloseError,
  ListenFdsError,
  NotAServerError,
  ServerClosedError,
} from './errors/http.js';

/** process: spawning, IPC, the tree's close, supervision and readiness */
export {
  IpcClosedError,
  IpcTimeoutError,
  ListenError,
  ProcessSurvivorsError,
  ReadinessTimeoutError,
  SpawnError,
  SuperviseGiveUpError,
  UnsupportedPlatformError,
} from './errors/process.js';

/** pidfile: a file held, corrupt, not a file, or out of reach */
export {
  PidFileAccessError,
  PidFileCorruptError,
  PidFileDirectoryError,
  PidFileHeldError,
  type PidFileKind,
  PidFileNotAFileError,
} from './errors/pidfile.js';

/**
 * Codes renamed in 0.2 so that every code follows from its class name: old code → new code. Code
 * that matched an old string can match `err.code === LEGACY_ERROR_CODES.ERR_FORCED`, or be updated.
 */
export const LEGACY_ERROR_CODES = {
  ERR_FORCED: 'ERR_FORCED_SHUTDOWN',
  ERR_SHUTDOWN: 'ERR_SHUTDOWN_STARTED',
  ERR_INFLIGHT_TIMEOUT: 'ERR_IN_FLIGHT_TIMEOUT',
  ERR_PIDFILE_NO_DIRECTORY: 'ERR_PIDFILE_DIRECTORY',
  ERR_HTTP_FORCED: 'ERR_HTTP_FORCED_CLOSE',
  ERR_READY_TIMEOUT: 'ERR_READINESS_TIMEOUT',
} as const;
