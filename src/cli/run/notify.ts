import { execFile } from 'node:child_process';

/**
 * Tells systemd (Type=notify) the service is ready. Node has no unix datagram sockets, so this goes
 * through `systemd-notify` (systemd's own client). Resolves with what happened, for the report:
 * 'not-requested' without NOTIFY_SOCKET, 'sent', or why it was not sent. Bounded (2 s), never throws.
 */
export function notifySystemd(state: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (!env.NOTIFY_SOCKET) return Promise.resolve('not-requested');
  return new Promise((resolve) => {
    // --pid names the runner as the main process: the unit needs NotifyAccess=all (systemd-notify is
    // a short-lived helper whose own pid systemd would otherwise reject).
    const args = [`--pid=${process.pid}`, '--no-block', state];
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
