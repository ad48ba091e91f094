import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

import { readProcStat } from '../internal/proc-stat.js';

/** What identifies a process beyond its PID: a PID alone is reused, a start time and boot id are not. */
export interface ProcessIdentity {
  pid: number;
  /** Start time: clock ticks since boot (/proc/<pid>/stat field 22), or `ps -o lstart=` without /proc. */
  start?: string;
  /** /proc/sys/kernel/random/boot_id, or kern.boottime without /proc. */
  boot?: string;
  /** The PID namespace: a PID means something only inside its namespace. */
  pidns?: string;
  host: string;
  /** Wall-clock start (ms since epoch), for "running for" figures. */
  sinceMs?: number;
  /** The command name (`/proc/<pid>/comm`, or `ps -o comm=`), URI-encoded: checked when a start time cannot be. */
  cmd?: string;
}

// USER_HZ is 100 on every mainstream Linux ABI (/proc reports starttime in these units).
const TICKS_PER_SECOND = 100;
const isLinux = process.platform === 'linux';

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function run(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim();
  } catch {
    return undefined;
  }
}

let cachedBoot: { id?: string; timeMs?: number } | undefined;

function boot(): { id?: string; timeMs?: number } {
  if (cachedBoot) return cachedBoot;
  if (isLinux) {
    const id = readText('/proc/sys/kernel/random/boot_id')?.trim();
    const btime = /^btime (\d+)$/m.exec(readText('/proc/stat') ?? '')?.[1];
    cachedBoot = { ...(id ? { id } : {}), ...(btime ? { timeMs: Number(btime) * 1000 } : {}) };
  } else {
    const sec = /sec = (\d+)/.exec(run('sysctl', ['-n', 'kern.boottime']) ?? '')?.[1];
    cachedBoot = sec ? { id: `boottime-${sec}`, timeMs: Number(sec) * 1000 } : {};
  }
  return cachedBoot;
}

/** This boot's id, or undefined where it cannot be read. */
export function readBootId(): string | undefined {
  return boot().id;
}

/** When this machine booted (ms since epoch), or undefined. */
export function readBootTimeMs(): number | undefined {
  return boot().timeMs;
}

let cachedPidns: string | undefined | null = null;

export function readPidNamespace(): string | undefined {
  if (cachedPidns !== null) return cachedPidns;
  try {
    cachedPidns = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
  } catch {
    cachedPidns = undefined;
  }
  return cachedPidns;
}

/** The start time of `pid` as stored in a record, or undefined when it cannot be read (or is gone). */
export function readStartTime(pid: number): string | undefined {
  if (isLinux) return readProcStat(pid)?.startTime;
  const lstart = run('ps', ['-o', 'lstart=', '-p', String(pid)]);
  return lstart ? lstart.replace(/\s+/g, '_') : undefined;
}

/** The command name of `pid`, URI-encoded (no space, comma or slash), or undefined when unreadable. */
export function readCommand(pid: number): string | undefined {
  const name = isLinux
    ? readText(`/proc/${pid}/comm`)?.trim()
    : run('ps', ['-o', 'comm=', '-p', String(pid)])
        ?.split('/')
        .pop();
  return name ? encodeURIComponent(name) : undefined;
}

/** When `pid` started, in ms since epoch, or undefined. */
export function readSinceMs(pid: number, start = readStartTime(pid)): number | undefined {
  if (start === undefined) return undefined;
  if (isLinux) {
    const bootMs = readBootTimeMs();
    return bootMs === undefined ? undefined : bootMs + (Number(start) * 1000) / TICKS_PER_SECOND;
  }
  const ms = Date.parse(start.replace(/_/g, ' '));
  return Number.isNaN(ms) ? undefined : ms;
}

/** kill(pid, 0): ESRCH means gone; EPERM means alive but owned by someone else. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM') return true;
    if (code === 'ESRCH') return false;
    throw error;
  }
}

export function hostName(): string {
  return hostname().replace(/\s+/g, '_') || 'unknown';
}

/** This process's identity, read once per acquisition. */
export function ownIdentity(): ProcessIdentity {
  const start = readStartTime(process.pid);
  const sinceMs = readSinceMs(process.pid, start);
  const bootId = readBootId();
  const pidns = readPidNamespace();
  const cmd = readCommand(process.pid);
  return {
    pid: process.pid,
    host: hostName(),
    ...(start !== undefined ? { start } : {}),
    ...(bootId !== undefined ? { boot: bootId } : {}),
    ...(pidns !== undefined ? { pidns } : {}),
    ...(sinceMs !== undefined ? { sinceMs: Math.round(sinceMs) } : {}),
    ...(cmd !== undefined ? { cmd } : {}),
  };
}
