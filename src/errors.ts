// The one registry of lastcall's errors. Every error has a literal `code` and structured fields,
// so callers can branch on `err.code` instead of parsing messages.

export interface LastcallErrorOptions {
  cause?: unknown;
}

export abstract class LastcallError extends Error {
  abstract readonly code: `ERR_${string}`;

  constructor(message: string, options?: LastcallErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Describes a received value for messages: `"5s" (string)`, `-1 (number)`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `${JSON.stringify(value)} (string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${String(value)} (${typeof value})`;
  }
  if (typeof value === 'function') return `a function`;
  if (Array.isArray(value)) return `an array`;
  return `an object (${value.constructor?.name ?? 'null prototype'})`;
}

export class InvalidOptionError extends LastcallError {
  readonly code = 'ERR_INVALID_OPTION';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super(`Expected "${option}" to be ${expected}, got ${describeValue(received)}`);
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
  ) {
    super(
      `Step "${step}" needs a resource with start/drain/close/finish hooks, or an object with ` +
        `close, end, quit, disconnect, destroy or [Symbol.asyncDispose]; got ${describeValue(received)}`,
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
  readonly code = 'ERR_FORCED';
  constructor(
    readonly step: string,
    readonly phase: string,
  ) {
    super(`Step "${step}" (${phase}) was cut short: shutdown was forced`);
  }
}

export class StepFailedError extends LastcallError {
  readonly code = 'ERR_STEP_FAILED';
  constructor(
    readonly step: string,
    readonly phase: string,
    cause: unknown,
  ) {
    super(`Step "${step}" (${phase}) failed: ${messageOf(cause)}`, { cause });
  }
}

export class StartFailedError extends LastcallError {
  readonly code = 'ERR_START_FAILED';
  constructor(
    readonly step: string | undefined,
    cause: unknown,
  ) {
    super(step === undefined ? `Start abandoned: ${messageOf(cause)}` : `Start failed at step "${step}": ${messageOf(cause)}`, {
      cause,
    });
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

export class AbortedError extends LastcallError {
  readonly code = 'ERR_ABORTED';
  constructor(what: string, cause?: unknown) {
    super(`${what} was aborted`, { cause });
  }
}

/** The message of any thrown value, for one-line logs. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : describeValue(error);
}
