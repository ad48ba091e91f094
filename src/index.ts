import { setAdapterLoader } from './core/adapters.js';

export { channelNames } from './core/channels.js';
export { createLifecycle } from './core/lifecycle.js';
export { type ExitPreset } from './core/exit/presets.js';
export { IN_FLIGHT_STEP } from './core/in-flight.js';
export { formatReport, type SerializedError, serializeReport } from './core/report.js';
export {
  type AddOptions,
  type ExitCodes,
  type Hook,
  type HooksProvider,
  type Lifecycle,
  type LifecycleEvents,
  type LifecycleOptions,
  type LifecycleState,
  type Logger,
  type OnReport,
  lifecycleHooks,
  type Outcome,
  type Phase,
  type Resource,
  type RequestCounts,
  type ResourceHooks,
  type ShutdownReport,
  type StepReport,
  type StepKind,
  type StepStatus,
  type TrackContext,
  type TrackedWork,
  type WorkCounts,
} from './core/types.js';
export {
  AbortedError,
  LEGACY_ERROR_CODES,
  DeadlineExceededError,
  DependencyCycleError,
  DuplicateStepError,
  ForcedShutdownError,
  HealthCheckTimeoutError,
  HttpForcedCloseError,
  InFlightTimeoutError,
  InvalidOptionError,
  InvalidResourceError,
  IpcClosedError,
  IpcTimeoutError,
  LastcallError,
  LifecycleStateError,
  NotAServerError,
  PhaseTimeoutError,
  PidFileAccessError,
  PidFileCorruptError,
  PidFileDirectoryError,
  PidFileHeldError,
  PidFileNotAFileError,
  ProcessExitedError,
  ProcessSurvivorsError,
  ReadinessTimeoutError,
  RequestsLostError,
  ServerClosedError,
  ShutdownStartedError,
  SpawnError,
  StartFailedError,
  StepAbandonedError,
  StepTimeoutError,
  SuperviseGiveUpError,
  TrackedWorkFailedError,
  UnknownDependencyError,
  UnknownOptionError,
  UnsupportedPlatformError,
} from './errors.js';

// A raw server given to add() is drained by lastcall/http, loaded the first time one is added.
setAdapterLoader(() => import('./http/index.js'));
