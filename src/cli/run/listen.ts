import { fstatSync } from 'node:fs';

import { ListenError } from '../../errors.js';
import type { ListenFd } from '../../process/index.js';
import { type HeldSocket, holdListeningSockets, removeSocketFiles } from '../../process/index.js';
import type { RunOptions } from './options.js';
import { say } from './output.js';
import type { RunReport } from './report.js';

export interface OpenSockets {
  /** What every child gets, in order: the activated sockets, then --listen's. */
  fds: ListenFd[];
  /** At the runner's exit: removes the unix socket files it created. */
  release: () => void;
}

/**
 * The runner's listening sockets: any it was handed by socket activation (fds 3.., passed on as they
 * are), then --listen's, bound now, before the first start, and held until the runner exits.
 * Throws ListenError (a taken port) before any child starts.
 */
export async function openListenSockets(o: RunOptions, report: RunReport): Promise<OpenSockets> {
  const names = process.env.LISTEN_FDNAMES?.split(':') ?? [];
  const activated: ListenFd[] = Array.from({ length: o.activated }, (_, i) => ({
    fd: 3 + i,
    name: names[i] || 'unknown',
  }));
  for (const a of activated) {
    // A parent that set LISTEN_FDS but let the fds close on exec: fd 3 is now one of Node's own.
    let socket = false;
    try {
      socket = fstatSync(a.fd).isSocket();
    } catch {
      socket = false;
    }
    if (!socket)
      throw new ListenError(
        `fd ${a.fd} (LISTEN_FDS=${o.activated})`,
        'not a socket inherited from the parent (was it close-on-exec?)',
      );
  }
  // They were ours: nothing else the runner starts (systemd-notify, ps) takes them as its own.
  delete process.env.LISTEN_FDS;
  delete process.env.LISTEN_PID;
  delete process.env.LISTEN_FDNAMES;
  const held: HeldSocket[] = o.listen.length > 0 ? await holdListeningSockets(o.listen) : [];
  const fds = [...activated, ...held.map((h) => ({ fd: h.fd, name: h.name }))];
  report.listen = [
    ...activated.map((a, i) => ({ spec: 'activated', name: a.name ?? 'unknown', bound: '', childFd: 3 + i })),
    ...held.map((h, i) => ({ spec: h.spec, name: h.name, bound: h.bound, childFd: 3 + o.activated + i })),
  ];
  for (const l of report.listen) {
    say(
      `listening on ${l.bound || `an activated socket`} (${l.spec === 'activated' ? 'socket activation' : l.spec}): fd ${l.childFd} "${l.name}" in every child`,
    );
  }
  return { fds, release: () => removeSocketFiles(held) };
}
