// How a run's children are started, from its flags: the command with its sockets and hand-down, the
// time each child's own close gets, and the supervisor's restart policy.
import { type ListenFd, type ManagedChild, spawnManaged, type SuperviseOptions } from '../../process/index.js';
import { adoptEnv } from './adopt.js';
import type { RunOptions } from './options.js';
import { killReserveMs } from './stop.js';

/** A child's close: the stop signal, then SIGKILL at the deadline less the kill reserve. */
export function childTermMs(o: RunOptions): number {
  return Math.max(0, o.deadlineMs - killReserveMs(o.deadlineMs));
}

/** Every child, the first, a restart's or a reload's: same command, same sockets, same hand-down. */
export function spawnChild(
  o: RunOptions,
  sockets: readonly ListenFd[],
  stdio: (string | number)[],
  termMs: number,
): ManagedChild {
  const listen = sockets.length > 0 ? { listenFds: sockets } : {};
  const env = o.adopt ? { env: adoptEnv() } : {};
  const options = {
    stdio: stdio as never,
    graceMs: 0,
    termMs,
    stopSignal: o.stopSignal,
    handDownDeadline: o.handDownDeadline,
  };
  return spawnManaged(o.command, o.args, { ...options, ...env, ...listen });
}

/** --restart and its backoff and give-up flags, as the supervisor takes them. */
export function restartPolicy(o: RunOptions): SuperviseOptions {
  return {
    restart: o.restart,
    initialMs: o.backoffMinMs,
    maxMs: o.backoffMaxMs,
    resetAfterMs: o.resetAfterMs,
    maxRestarts: o.maxRestarts,
    windowMs: o.restartWindowMs,
  };
}
