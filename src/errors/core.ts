// Errors of the core: options and steps as they are added, the lifecycle's state, the shutdown's bounds.
import { describeValue, messageOf } from '../internal/describe.js';
import { LastcallError } from './base.js';

export class InvalidOptionError extends LastcallError {
  readonly code = 'ERR_INVALID_OPTION';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly received: unknown,
    cause?: unknown,
  ) {
    super(
      `Expected "${option}" to be ${expected}, got ${describeValue(received)}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

export class UnknownOptionError extends LastcallError {
  readonly code = 'ERR_UNKNOWN_OPTION';
  constructor(
    readonly option: string,
    readonly where: string,
    readonly known: readonly string[],
  ) {
    super(`Unknown option "${option}" for ${where}; known options: ${known.join(', ')}`);
  }
}

export class InvalidResourceError extends LastcallError {
  readonly code = 'ERR_INVALID_RESOURCE';
  constructor(
    readonly step: string,
    readonly received: unknown,
    /** What exactly is wrong, when more is known (an unknown hook name, a throwing getter). */
    readonly detail?: string,
    cause?: unknown,
  ) {
    super(
      `Step "${step}" needs a resource with start/drain/close/finish hooks, or an object with ` +
        `close, quit, end, disconnect, destroy, shutdown, flush, $disconnect or [Symbol.asyncDispose]; got ${describeValue(received)}` +
        (detail ? `: ${detail}` : ''),
      cause === undefined ? undefined : { cause },
    );
  }
}

export class DuplicateStepError extends LastcallError {
  readonly code = 'ERR_DUPLICATE_STEP';
  constructor(readonly step: string) {
    super(`A step named "${step}" was already added`);
  }
}

export class UnknownDependencyError extends LastcallError {
  readonly code = 'ERR_UNKNOWN_DEPENDENCY';
  constructor(
    readonly step: string,
    readonly dependency: string,
  ) {
    super(`Step "${step}" depends on "${dependency}", which was not added; add dependencies first`);
  }
}

export class DependencyCycleError extends LastcallError {
  readonly code = 'ERR_DEPENDENCY_CYCLE';
  constructor(readonly cycle: readonly string[]) {
    super(`Dependency cycle: ${cycle.join(' → ')}`);
  }
}

export class LifecycleStateError extends LastcallError {
  readonly code = 'ERR_LIFECYCLE_STATE';
  constructor(
    readonly operation: string,
    readonly state: string,
  ) {
    super(`Cannot ${operation} while the lifecycle is ${state}`);
  }
}

export class StartFailedError extends LastcallError {
  readonly code = 'ERR_START_FAILED';
  constructor(
    readonly step: string | undefined,
    cause: unknown,
  ) {
    super(
      step === undefined
        ? `Start abandoned: ${messageOf(cause)}`
        : `Start failed at step "${step}": ${messageOf(cause)}`,
      {
        cause,
      },
    );
  }
}

export class ShutdownStartedError extends LastcallError {
  readonly code = 'ERR_SHUTDOWN_STARTED';
  constructor(readonly reason: string) {
    super(`Shutdown began: ${reason}`);
  }
}

export class AbortedError extends LastcallError {
  readonly code = 'ERR_ABORTED';
  constructor(what: string, cause?: unknown) {
    super(`${what} was aborted`, { cause });
  }
}

export class StepTimeoutError extends LastcallError {
  readonly code = 'ERR_STEP_TIMEOUT';
  constructor(
    readonly step: string,
    readonly phase: string,
    readonly timeoutMs: number,
  ) {
    super(`Step "${step}" (${phase}) timed out after ${timeoutMs} ms`);
  }
}

export class PhaseTimeoutError extends LastcallError {
  readonly code = 'ERR_PHASE_TIMEOUT';
  constructor(
    readonly step: string,
    readonly phase: string,
    /** The option that bounded the phase: 'drainTimeoutMs' or 'startTimeoutMs'. */
    readonly option: string,
    readonly timeoutMs: number,
  ) {
    super(`Step "${step}" (${phase}) did not finish within ${option} (${Math.round(timeoutMs)} ms)`);
  }
}

export class DeadlineExceededError extends LastcallError {
  readonly code = 'ERR_DEADLINE_EXCEEDED';
  constructor(
    readonly step: string,
    readonly phase: string,
    readonly deadlineMs: number,
  ) {
    super(`Step "${step}" (${phase}) did not finish before the ${deadlineMs} ms shutdown deadline`);
  }
}

export class ForcedShutdownError extends LastcallError {
  readonly code = 'ERR_FORCED_SHUTDOWN';
  constructor(
    readonly step: string,
    readonly phase: string,
  ) {
    super(`Step "${step}" (${phase}) was cut short: shutdown was forced`);
  }
}

export class StepAbandonedError extends LastcallError {
  readonly code = 'ERR_STEP_ABANDONED';
  constructor(
    readonly step: string,
    readonly phase: string,
    cause: unknown,
  ) {
    super(`Step "${step}" (${phase}) was cut off: ${messageOf(cause)}`, { cause });
  }
}

export class InFlightTimeoutError extends LastcallError {
  readonly code = 'ERR_IN_FLIGHT_TIMEOUT';
  constructor(
    readonly pending: number,
    /** How long the drain phase waited for tracked work (never negative). */
    readonly timeoutMs: number,
    /** What ended the wait, e.g. `drainTimeoutMs (5000 ms)`. */
    readonly bound = 'the drain phase ended',
  ) {
    super(
      `${pending} tracked task(s) still in flight after waiting ${Math.round(Math.max(0, timeoutMs))} ms: ${bound}`,
    );
  }
}

/** The process exited (process.exit from a hook or a library) while this step was still running. */
export class ProcessExitedError extends LastcallError {
  readonly code = 'ERR_PROCESS_EXITED';
  constructor(
    readonly step: string,
    readonly phase: string,
  ) {
    super(`The process exited while step "${step}" (${phase}) was still running`);
  }
}

export class RequestsLostError extends LastcallError {
  readonly code = 'ERR_REQUESTS_LOST';
  constructor(
    readonly step: string,
    /** Requests whose socket was destroyed before their response finished. */
    readonly cut: number,
    /** Requests answered with a 5xx other than 503 after the step's drain began. */
    readonly lost: number,
  ) {
    const parts = [cut > 0 ? `${cut} cut before their response finished` : '', lost > 0 ? `${lost} answered 5xx` : ''];
    super(`Step "${step}" lost requests during shutdown: ${parts.filter(Boolean).join(', ')}`);
  }
}

/** lastcall/auto: worker threads whose own shutdown (begun by the main thread's) was not clean. */
export class WorkerThreadsFailedError extends LastcallError {
  readonly code = 'ERR_WORKER_THREADS_FAILED';
  constructor(
    /** Each worker thread's id, outcome and the steps that were not ok. */
    readonly threads: readonly { threadId: number; outcome: string; detail: string }[],
  ) {
    super(
      `worker thread shutdown not clean: ${threads
        .map((t) => `thread ${t.threadId} ${t.outcome}${t.detail ? ` (${t.detail})` : ''}`)
        .join('; ')}`,
    );
  }
}

export class TrackedWorkFailedError extends LastcallError {
  readonly code = 'ERR_TRACKED_WORK_FAILED';
  constructor(
    /** Tracked work that rejected after shutdown began. */
    readonly failed: number,
    cause?: unknown,
  ) {
    super(
      `${failed} tracked task(s) failed during shutdown${cause === undefined ? '' : `: ${messageOf(cause)}`}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
