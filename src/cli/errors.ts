// Errors only the CLI throws; the library's are in ../errors.ts.
import { LastcallError } from '../errors.js';

/** A bad `lastcall` command line. The CLI prints its message as one line and exits 2. */
export class UsageError extends LastcallError {
  readonly code = 'ERR_USAGE';
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
