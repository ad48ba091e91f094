import { execFile } from 'node:child_process';

// One systemd-notify at a time: each is its own process, so two in flight could arrive swapped
// (READY=1 before the RELOADING=1 it ends).
let queue: Promise<unknown> = Promise.resolve();

/**
 * Tells systemd (Type=notify) the service's state: `state` is one assignment (`READY=1`) or several
 * sent as one message. Node has no unix datagram sockets, so this goes through `systemd-notify`
 * (systemd's own client). Messages are sent in call order. Resolves with what happened, for the
 * report: 'not-requested' without NOTIFY_SOCKET, 'sent', or why it was not sent. Bounded (2 s each),
 * never throws.
 */
export function notifySystemd(
  state: string | readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (!env.NOTIFY_SOCKET) return Promise.resolve('not-requested');
  const assignments = typeof state === 'string' ? [state] : state;
  const sent = queue.then(() => send(assignments, env));
  queue = sent;
  return sent;
}

/**
 * `RELOADING=1` with `MONOTONIC_USEC=` (systemd >= 253 requires it for Type=notify-reload: it tells
 * a reload begun after the signal from an older one) and a STATUS= line.
 */
export function reloadingState(status: string): string[] {
  return ['RELOADING=1', `MONOTONIC_USEC=${monotonicUsec()}`, `STATUS=${status}`];
}

/** CLOCK_MONOTONIC in microseconds: what Node's hrtime reads on Linux (libuv's uv_hrtime). */
export function monotonicUsec(): bigint {
  return process.hrtime.bigint() / 1000n;
}

function send(assignments: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    // --pid names the runner as the main process: the unit needs NotifyAccess=all (systemd-notify is
    // a short-lived helper whose own pid systemd would otherwise reject).
    const args = [`--pid=${process.pid}`, '--no-block', ...assignments];
    const child = execFile('systemd-notify', args, { env, timeout: 2000 }, (error, _out, stderr) => {
      if (!error) return resolve('sent');
      const code = (error as NodeJS.ErrnoException).code;
      resolve(
        code === 'ENOENT'
          ? 'not-sent: NOTIFY_SOCKET is set but systemd-notify is not installed (Node cannot send unix datagrams itself)'
          : `not-sent: systemd-notify failed (${stderr.trim() || error.message})`,
      );
    });
    child.stdin?.end();
  });
}
