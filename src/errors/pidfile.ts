// Errors of lastcall/pidfile: a file held, corrupt, not a file, or out of reach.
import { messageOf } from '../internal/describe.js';
import { LastcallError } from './base.js';

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
        ? ` on host "${host ?? '?'}", which cannot be checked from here (a file with a lease is taken over once its holder stops refreshing it); if that process is gone, delete the file`
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
  readonly code = 'ERR_PIDFILE_DIRECTORY';
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
