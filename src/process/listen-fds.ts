import { InvalidOptionError } from '../errors.js';

/** One listening socket a child gets (fd 3, 4, ...), named in LISTEN_FDNAMES. */
export interface ListenFd {
  /** The fd in this process (a listening socket this process keeps open). */
  fd: number;
  /** Its name in LISTEN_FDNAMES (no ':'); default 'unknown', as systemd says for an unnamed one. */
  name?: string;
}

export interface NormalizedListenFds {
  fds: number[];
  names: string[];
}

/** The variables of systemd's socket-activation protocol (sd_listen_fds(3)). */
export const LISTEN_VARIABLES = ['LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES'] as const;

/**
 * The child learns its pid only after the fork, so a shell sets LISTEN_PID to its own pid ($$) and
 * exec()s the command in place: same pid, same process group, the fds passed through untouched.
 */
export const LISTEN_PID_SCRIPT = 'LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@"';

export function normalizeListenFds(value: unknown): NormalizedListenFds | undefined {
  if (value === undefined) return undefined;
  const expected = 'an array of { fd, name? } (fd: an integer >= 0; name: no ":", at most 255 characters)';
  if (!Array.isArray(value) || value.length === 0 || value.length > 60)
    throw new InvalidOptionError('listenFds', expected, value);
  const fds: number[] = [];
  const names: string[] = [];
  for (const entry of value as unknown[]) {
    const e = entry as Partial<ListenFd> | null;
    const name = e?.name ?? 'unknown';
    const ok =
      e !== null &&
      typeof e === 'object' &&
      Number.isInteger(e.fd) &&
      (e.fd ?? -1) >= 0 &&
      typeof name === 'string' &&
      /^[\x21-\x39\x3b-\x7e]{1,255}$/.test(name);
    if (!ok) throw new InvalidOptionError('listenFds', expected, value);
    fds.push(e.fd as number);
    names.push(name);
  }
  return { fds, names };
}

/** The child's stdio with the listening fds at 3, 4, ...; those slots must be free in the caller's. */
export function placeListenFds<T>(stdio: readonly T[], fds: readonly number[]): (T | number)[] {
  const out: (T | number)[] = [...stdio];
  fds.forEach((fd, i) => {
    const slot = out[3 + i];
    if (slot !== undefined && slot !== null && slot !== ('ignore' as T)) {
      throw new InvalidOptionError(
        'stdio',
        `nothing at index ${3 + i} (listenFds take fds 3..${2 + fds.length})`,
        stdio,
      );
    }
    out[3 + i] = fd;
  });
  return out;
}

/** The child's environment: LISTEN_FDS and LISTEN_FDNAMES set, any LISTEN_PID of ours removed
 * (the wrapper script sets the child's own). */
export function listenEnv(env: NodeJS.ProcessEnv, listen: NormalizedListenFds): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {
    ...env,
    LISTEN_FDS: String(listen.fds.length),
    LISTEN_FDNAMES: listen.names.join(':'),
  };
  delete out.LISTEN_PID;
  return out;
}
