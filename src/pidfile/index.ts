import type { AcquireOptions } from './acquire.js';
import { acquire } from './acquire.js';
import type { PidFileHandle } from './handle.js';

export type { AcquireOptions } from './acquire.js';
export { PidFileHandle } from './handle.js';
export type { Takeover } from './attempt.js';
export type { StaleReason } from './classify.js';
export {
  PidFileAccessError,
  PidFileCorruptError,
  PidFileDirectoryError,
  PidFileHeldError,
  PidFileNotAFileError,
} from '../errors.js';

/**
 * Creates the PID file at `path` atomically (first line: the bare PID), or takes over a stale one.
 * Rejects with ERR_PIDFILE_HELD when a live instance holds it.
 */
export function acquirePidFile(path: string, options?: AcquireOptions): Promise<PidFileHandle> {
  return acquire(path, options, 'pidfile', 'acquirePidFile');
}

/** The same rules for a file a service must own exclusively (a state directory, a socket). */
export function acquireLock(path: string, options?: AcquireOptions): Promise<PidFileHandle> {
  return acquire(path, options, 'lock', 'acquireLock');
}
