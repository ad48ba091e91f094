export { channelNames } from './core/channels.js';
export { createLifecycle } from './core/lifecycle.js';
export { IN_FLIGHT_STEP } from './core/tracker.js';
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
  lifecycleHooks,
  type Outcome,
  type Phase,
  type Resource,
  type ResourceHooks,
  type ShutdownReport,
  type StepReport,
  type StepStatus,
} from './core/types.js';
export * from './errors.js';
