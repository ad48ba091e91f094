import { UnsupportedPlatformError } from '../errors.js';

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

/** `promise`'s value, or undefined after `ms` (or when `signal` aborts). Cleans up its timer either way. */
export function raceDelay<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const done = (value: T | undefined): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = (): void => done(undefined);
    if (signal?.aborted === true) return resolve(undefined);
    const timer = setTimeout(onAbort, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(done, (error: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}
