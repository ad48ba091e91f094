// Who listens on a port: /proc/net/tcp{,6} gives the listening sockets' inodes, /proc/<pid>/fd says
// which process holds them. Readiness answered by a stranger (the port was taken before the service
// started) must not count as the service being ready. Linux only; elsewhere nothing is known.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const LISTEN = '0A';

/** Inodes of the TCP sockets listening on `port` (any address), empty when none or not Linux. */
export function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const local = f[1];
      if (
        local === undefined ||
        f[3] !== LISTEN ||
        Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) !== port
      )
        continue;
      if (f[9] !== undefined && f[9] !== '0') inodes.add(f[9]);
    }
  }
  return inodes;
}

/** true when process `pid` holds one of `inodes` among its file descriptors. */
export function holdsSocket(pid: number, inodes: ReadonlySet<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1] !== undefined && inodes.has(m[1])) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

/** A process outside `ours` listening on `port`: "pid N (command)", or undefined when none is seen. */
export function strangerOnPort(port: number, ours: readonly number[]): string | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0 || ours.some((pid) => holdsSocket(pid, inodes))) return undefined;
  for (const entry of safeList('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || !holdsSocket(pid, inodes)) continue;
    return `pid ${pid} (${commandOf(pid)})`;
  }
  return 'a process this user cannot inspect';
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 80) || '?';
  } catch {
    return '?';
  }
}
