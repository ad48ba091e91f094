// Errors of lastcall/process: spawning, IPC, the tree's close, supervision.
import { LastcallError } from './base.js';

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
    super(
      `IPC message to process ${pid} was not written within ${timeoutMs} ms (the child is not reading its channel)`,
    );
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

/** A child was not ready in time: a supervised child's readiness, or `lastcall run --ready` (with `spec`). */
export class ReadinessTimeoutError extends LastcallError {
  readonly code = 'ERR_READINESS_TIMEOUT';
  constructor(
    /** The child's pid, when the waiter knows it. */
    readonly pid: number | undefined,
    readonly timeoutMs: number,
    /** What was waited for (`tcp:8080`), for `lastcall run --ready`. */
    readonly spec?: string,
    /** How the waiting went (the tries and how they ended), appended to the message. */
    readonly detail?: string,
  ) {
    super(
      (spec !== undefined
        ? `Not ready (${spec}) within ${timeoutMs} ms`
        : `Process ${pid ?? '?'} did not report ready within ${timeoutMs} ms`) + (detail ? `: ${detail}` : ''),
    );
  }
}

/** A listening socket could not be bound (EADDRINUSE: the port is taken; EACCES: a privileged port). */
export class ListenError extends LastcallError {
  readonly code = 'ERR_LISTEN';
  constructor(
    /** The address as given: `tcp:8080`, `tcp:127.0.0.1:8080`, `unix:/run/app.sock`. */
    readonly address: string,
    readonly errno: string,
    cause?: unknown,
  ) {
    super(`Could not listen on ${address}: ${errno === 'EADDRINUSE' ? 'address already in use (EADDRINUSE)' : errno}`, {
      cause,
    });
  }
}
