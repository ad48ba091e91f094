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
  // A revoked Proxy or a throwing `constructor` getter must not turn a description into a throw.
  try {
    if (Array.isArray(value)) return `an array`;
    const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return `an object (${typeof name === 'string' ? name : 'null prototype'})`;
  } catch {
    return 'an unreadable object (a revoked Proxy or a throwing getter)';
  }
}

export class InvalidOptionError extends LastcallError {
  readonly code = 'ERR_INVALID_OPTION';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly received: unknown,
    cause?: unknown,
  ) {
    super(`Expected "${option}" to be ${expected}, got ${describeValue(received)}`, cause === undefined ? undefined : { cause });
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
        `close, quit, end, disconnect, destroy or [Symbol.asyncDispose]; got ${describeValue(received)}` +
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
  try {
    if (error instanceof Error) return String(error.message);
  } catch {
    return describeValue(error);
  }
  return typeof error === 'string' ? error : describeValue(error);
}

export class ShutdownStartedError extends LastcallError {
  readonly code = 'ERR_SHUTDOWN';
  constructor(readonly reason: string) {
    super(`Shutdown began: ${reason}`);
  }
}

export class InFlightTimeoutError extends LastcallError {
  readonly code = 'ERR_INFLIGHT_TIMEOUT';
  constructor(
    readonly pending: number,
    /** How long the drain phase waited for tracked work (never negative). */
    readonly timeoutMs: number,
    /** What ended the wait, e.g. `drainTimeoutMs (5000 ms)`. */
    readonly bound = 'the drain phase ended',
  ) {
    super(`${pending} tracked task(s) still in flight after waiting ${Math.round(Math.max(0, timeoutMs))} ms: ${bound}`);
  }
}

// --- pidfile ---

/** What a file guards: a PID file (`acquirePidFile`) or a general lock file (`acquireLock`). */
export type PidFileKind = 'pidfile' | 'lock';

function fileLabel(kind: PidFileKind): string {
  return kind === 'lock' ? 'Lock file' : 'PID file';
}

export class PidFileHeldError extends LastcallError {
  readonly code = 'ERR_PIDFILE_HELD';
  constructor(
    readonly path: string,
    readonly pid: number,
    /** How long the holder has run, when its start time is known. */
    readonly runningForMs: number | undefined,
    /** The holder's host, when the file names one. */
    readonly host: string | undefined,
    /** 'alive'; 'other-host' / 'other-pid-namespace' when liveness cannot be checked from here; 'takeover-in-progress'. */
    readonly reason: string,
    readonly kind: PidFileKind = 'pidfile',
  ) {
    const running = runningForMs === undefined ? '' : ` (running for ${(runningForMs / 1000).toFixed(1)} s)`;
    const self = pid === process.pid && reason === 'alive' ? ' — this process already holds it' : '';
    const where =
      reason === 'other-host'
        ? ` on host "${host ?? '?'}", which cannot be checked from here; if that process is gone, delete the file`
        : reason === 'other-pid-namespace'
          ? ` in another PID namespace (container), which cannot be checked from here; if that process is gone, delete the file`
          : reason === 'takeover-in-progress'
            ? ` while it takes over a stale file, and it has not finished; if it is stopped (SIGSTOP), resume or kill it`
            : '; stop that instance first, or pass waitMs to wait for it';
    super(`${fileLabel(kind)} ${path} is held by process ${pid}${running}${self}${where}`);
  }
}

export class PidFileCorruptError extends LastcallError {
  readonly code = 'ERR_PIDFILE_CORRUPT';
  constructor(
    readonly path: string,
    readonly reason: string,
    /** The start of the file's content, for the message. */
    readonly excerpt: string,
  ) {
    super(
      `${path} is not a usable PID/lock file: ${reason} (starts with ${JSON.stringify(excerpt)}); lastcall never ` +
        `removes or replaces what is not provably a PID/lock file: check the path, and if this is a leftover ` +
        `PID/lock file and no instance is running, delete it and start again`,
    );
  }
}

export class PidFileNotAFileError extends LastcallError {
  readonly code = 'ERR_PIDFILE_NOT_A_FILE';
  constructor(
    readonly path: string,
    /** 'directory', 'symlink' or 'other' (socket, FIFO, device). */
    readonly found: string,
  ) {
    super(
      found === 'symlink'
        ? `${path} is a symbolic link; lastcall never follows a link at a PID/lock path: remove the link, or point the option at a real path`
        : `${path} is a ${found}, not a regular file: choose another path for the PID/lock file, or remove the ${found}`,
    );
  }
}

export class PidFileDirectoryError extends LastcallError {
  readonly code = 'ERR_PIDFILE_NO_DIRECTORY';
  constructor(
    readonly path: string,
    readonly directory: string,
  ) {
    super(`The directory ${directory} for ${path} does not exist: create it, or pass createDirectory: true`);
  }
}

export class PidFileAccessError extends LastcallError {
  readonly code = 'ERR_PIDFILE_ACCESS';
  constructor(
    readonly path: string,
    /** What failed: 'create', 'read', 'link', 'remove'. */
    readonly operation: string,
    cause: unknown,
  ) {
    const errno = (cause as { code?: unknown } | undefined)?.code;
    super(
      `Cannot ${operation} ${path} (${typeof errno === 'string' ? errno : messageOf(cause)}): run as a user that may ` +
        `write its directory, or choose a writable path (e.g. under $XDG_RUNTIME_DIR or /run/<service>)`,
      { cause },
    );
  }
}

// --- http ---

export class NotAServerError extends LastcallError {
  readonly code = 'ERR_NOT_A_SERVER';
  constructor(
    readonly received: unknown,
    readonly hint = '',
  ) {
    super(`Expected an http, https or http2 server, got ${describeValue(received)}${hint ? `; ${hint}` : ''}`);
  }
}

export class ServerClosedError extends LastcallError {
  readonly code = 'ERR_SERVER_CLOSED';
  constructor(readonly address: string) {
    super(
      `The server (${address}) was already closed: pass it to httpServer() before it stops listening, ` +
        `so its connections can be tracked and drained`,
    );
  }
}

export class HttpForcedCloseError extends LastcallError {
  readonly code = 'ERR_HTTP_FORCED';
  constructor(
    /** Requests still in flight when the server was closed; their sockets were destroyed. */
    readonly requests: number,
    /** Connections destroyed at close: busy HTTP/1 sockets, HTTP/2 sessions, upgraded sockets. */
    readonly sockets: number,
  ) {
    super(
      `HTTP server closed by force: ${requests} request${requests === 1 ? '' : 's'} in flight and ` +
        `${sockets} socket${sockets === 1 ? '' : 's'} destroyed`,
    );
  }
}

// --- process ---

export class SpawnError extends LastcallError {
  readonly code = 'ERR_SPAWN';
  constructor(
    readonly command: string,
    /** 'ENOENT' (not found), 'EACCES' (not executable), or the system's errno name. */
    readonly errno: string,
    cause?: unknown,
  ) {
    super(`Could not start "${command}": ${errno === 'ENOENT' ? 'command not found (ENOENT)' : errno}`, { cause });
  }
}

export class UnsupportedPlatformError extends LastcallError {
  readonly code = 'ERR_UNSUPPORTED_PLATFORM';
  constructor(
    readonly feature: string,
    readonly platform: string,
  ) {
    super(`${feature} needs POSIX process groups and signals, which ${platform} does not have`);
  }
}

export class IpcTimeoutError extends LastcallError {
  readonly code = 'ERR_IPC_TIMEOUT';
  constructor(
    readonly pid: number,
    readonly timeoutMs: number,
  ) {
    super(`IPC message to process ${pid} was not written within ${timeoutMs} ms (the child is not reading its channel)`);
  }
}

export class IpcClosedError extends LastcallError {
  readonly code = 'ERR_IPC_CLOSED';
  constructor(
    readonly pid: number,
    cause?: unknown,
  ) {
    super(`IPC channel to process ${pid} is closed or was never opened (spawn with { ipc: true })`, { cause });
  }
}

export class ProcessSurvivorsError extends LastcallError {
  readonly code = 'ERR_PROCESS_SURVIVORS';
  constructor(
    /** Processes of the tree still alive after SIGKILL and the wait. */
    readonly survivors: readonly number[],
    readonly timeoutMs: number,
  ) {
    super(`${survivors.length} process(es) still alive ${timeoutMs} ms after SIGKILL: ${survivors.join(', ')}`);
  }
}

export class SuperviseGiveUpError extends LastcallError {
  readonly code = 'ERR_SUPERVISE_GIVE_UP';
  constructor(
    readonly restarts: number,
    readonly windowMs: number,
    readonly lastExit: { code: number | null; signal: string | null } | undefined,
    cause?: unknown,
  ) {
    super(
      `Supervisor gave up after ${restarts} restart(s) within ${windowMs} ms` +
        (lastExit ? ` (last exit: code ${lastExit.code}, signal ${lastExit.signal})` : ''),
      { cause },
    );
  }
}

export class ReadinessTimeoutError extends LastcallError {
  readonly code = 'ERR_READINESS_TIMEOUT';
  constructor(
    readonly pid: number,
    readonly timeoutMs: number,
  ) {
    super(`Process ${pid} did not report ready within ${timeoutMs} ms`);
  }
}

/** A bad `lastcall` command line. The CLI prints its message as one line and exits 2. */
export class UsageError extends LastcallError {
  readonly code = 'ERR_USAGE';
}

// --- cli run ---

/** `--ready`: the child was not ready within `--ready-timeout`. */
export class ReadyTimeoutError extends LastcallError {
  readonly code = 'ERR_READY_TIMEOUT';
  constructor(
    readonly spec: string,
    readonly timeoutMs: number,
  ) {
    super(`Not ready (${spec}) within ${timeoutMs} ms`);
  }
}

/** `--ready`: the child exited (or its readiness stream closed) before it was ready. */
export class ReadyExitedError extends LastcallError {
  readonly code = 'ERR_READY_EXITED';
  constructor(
    readonly spec: string,
    readonly detail: string,
  ) {
    super(`Not ready (${spec}): ${detail} before it was ready`);
  }
}

// core exit path
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

// --- http health checks ---

export class HealthCheckTimeoutError extends LastcallError {
  readonly code = 'ERR_HEALTH_CHECK_TIMEOUT';
  constructor(
    readonly check: string,
    readonly timeoutMs: number,
  ) {
    super(`Health check "${check}" timed out after ${timeoutMs} ms`);
  }
}

// --- core state ---

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

// --- listening sockets (process: holdListeningSockets; http: inheritedSockets) ---

/** A listening socket could not be bound (EADDRINUSE: the port is taken; EACCES: a privileged port). */
export class ListenError extends LastcallError {
  readonly code = 'ERR_LISTEN';
  constructor(
    /** The address as given: `tcp:8080`, `tcp:127.0.0.1:8080`, `unix:/run/app.sock`. */
    readonly address: string,
    readonly errno: string,
    cause?: unknown,
  ) {
    super(`Could not listen on ${address}: ${errno === 'EADDRINUSE' ? 'address already in use (EADDRINUSE)' : errno}`, { cause });
  }
}

/** LISTEN_FDS / LISTEN_FDNAMES are set for this process but malformed. */
export class ListenFdsError extends LastcallError {
  readonly code = 'ERR_LISTEN_FDS';
  constructor(
    readonly variable: string,
    readonly value: string,
  ) {
    super(`Expected ${variable} to be ${variable === 'LISTEN_FDS' ? 'a count from 1 to 60' : 'one name per fd, separated by ":"'}, got "${value}"`);
  }
}
