import { constants } from 'node:os';

import { InvalidOptionError, UnsupportedPlatformError } from '../errors.js';

/** Process groups, signals to groups and the guardian need POSIX; Windows fails clearly, at the call site. */
export function assertPosix(feature: string): void {
  if (process.platform === 'win32') throw new UnsupportedPlatformError(feature, 'Windows');
}

/** process.kill that reports whether the target existed; any error but ESRCH is rethrown. */
export function sendSignal(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    // EPERM: it exists but is not ours (e.g. a pid reused by another user): leave it alone.
    if (code === 'EPERM') return false;
    throw error;
  }
}

/** A signal name this platform knows (os.constants.signals), checked up front instead of failing later. */
export function validateSignalName(name: string, value: unknown): asserts value is NodeJS.Signals {
  if (typeof value !== 'string' || !Object.hasOwn(constants.signals, value)) {
    throw new InvalidOptionError(name, 'a signal name such as "SIGTERM" (one of os.constants.signals)', value);
  }
}
