import { ListenFdsError } from '../errors.js';

/** A listening socket this process inherited (systemd socket activation, `lastcall run --listen`). */
export interface InheritedSocket {
  /** 3, 4, ...: pass it to `server.listen({ fd })`. */
  fd: number;
  /** Its name from LISTEN_FDNAMES ('unknown' when unnamed). */
  name: string;
}

const FIRST_FD = 3;
let taken: readonly InheritedSocket[] | undefined;

/**
 * The listening sockets passed to this process with systemd's convention (LISTEN_FDS, LISTEN_PID,
 * LISTEN_FDNAMES), or [] when none were (or they were meant for another process: LISTEN_PID is not
 * ours). The variables are removed from `env` (default process.env) on the first call, so this
 * process's own children do not take the sockets; later calls with process.env return the same list.
 *
 * `server.listen({ fd })` on one of them listens on the shared socket: closing the server (a drain)
 * closes this process's copy only, so a successor started on the same socket keeps accepting.
 */
export function inheritedSockets(env: NodeJS.ProcessEnv = process.env): InheritedSocket[] {
  const own = env === process.env;
  if (own && taken) return taken.map((s) => ({ ...s }));
  const { LISTEN_FDS: count, LISTEN_PID: pid, LISTEN_FDNAMES: names } = env;
  if (count === undefined || pid === undefined || !/^\d+$/.test(pid) || Number(pid) !== process.pid) return [];
  delete env.LISTEN_FDS;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDNAMES;
  if (!/^\d{1,2}$/.test(count) || Number(count) < 1 || Number(count) > 60)
    throw new ListenFdsError('LISTEN_FDS', count);
  const n = Number(count);
  const list = names === undefined ? [] : names.split(':');
  if (names !== undefined && list.length !== n) throw new ListenFdsError('LISTEN_FDNAMES', names);
  const sockets = Array.from({ length: n }, (_, i) => ({ fd: FIRST_FD + i, name: list[i] || 'unknown' }));
  if (own) taken = sockets;
  return sockets.map((s) => ({ ...s }));
}

/**
 * true when `server` listens on a socket this process inherited (from inheritedSockets()): closing
 * it closes this process's copy only, so connections still queued stay for the socket's other holders
 * (the runner, the next child) instead of being reset. Drain then stops accepting at once.
 */
export function isInheritedListener(server: object): boolean {
  const fd = (server as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && taken !== undefined && taken.some((s) => s.fd === fd);
}
