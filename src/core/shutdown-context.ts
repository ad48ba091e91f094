import type { Registration } from './coordinator.js';
import type { WorkTracker } from './in-flight.js';
import type { InternalLogger } from './logger.js';
import type { NormalizedOptions } from './options.js';
import type { Step } from './step.js';
import type { LifecycleState, ShutdownReport, StepReport } from './types.js';

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
  /** The process is exiting mid-shutdown (a hook called process.exit): this report is final. */
  exitedEarly(report: ShutdownReport): void;
  /** The process-wide coordinator: it owns the exit. */
  registration: Registration;
}
