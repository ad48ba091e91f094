import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/** Signals the runner passes on to the child's group (SIGTERM/SIGINT stop it instead). */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGQUIT'];

/**
 * true when `signal` is pending for `pid` (/proc/<pid>/status SigPnd or ShdPnd): the same signal was
 * delivered to it from outside (a cgroup-wide kill) and it has not handled it yet. Sending it again
 * would be a second delivery as soon as the first is handled. Linux only; elsewhere false.
 */
export function isSignalPending(pid: number, signal: NodeJS.Signals): boolean {
  const number = constants.signals[signal];
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return false;
  }
  const bit = 1n << BigInt(number - 1);
  for (const key of ['SigPnd', 'ShdPnd']) {
    const hex = new RegExp(`^${key}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1];
    if (hex !== undefined && (BigInt(`0x${hex}`) & bit) !== 0n) return true;
  }
  return false;
}
