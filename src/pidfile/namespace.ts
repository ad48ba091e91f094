import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

import { readSinceMs, readStartTime } from './identity.js';

/** PROC_PID_INIT_INO: the initial PID namespace's inode number, the same on every Linux kernel. */
export const INIT_PID_NAMESPACE = '4026531836';

/** What this process can tell about a record from another PID namespace on the same boot (kernel). */
export type NamespaceEvidence =
  /** `pid`: the holder's PID as seen from here, which is what an operator here can `kill`. */
  { status: 'alive'; pid: number; sinceMs: number | undefined } | { status: 'gone' } | { status: 'unknown' };

/**
 * A PID namespace is visible from here when it is ours or nested in ours: then every one of its
 * processes is in our /proc, and `NSpid` (last field) gives its PID inside that namespace, so the
 * record's PID and start time are checked exactly. From the initial namespace every namespace is
 * visible, so one with no process left is gone (its init died, and the kernel killed the rest).
 */
export function checkOtherNamespace(
  pidns: string,
  pid: number,
  start: string | undefined,
  ours: string,
): NamespaceEvidence {
  let visible = false;
  let blind = false;
  for (const name of readProcEntries()) {
    const ns = nsOf(name);
    // NSpid lists the PID in our namespace and each nested one: a single entry is one of ours.
    const nspids =
      /^NSpid:\s*(.*)$/m
        .exec(readText(`/proc/${name}/status`))?.[1]
        ?.trim()
        .split(/\s+/) ?? [];
    blind ||= ns === null && nspids.length !== 1;
    if (ns !== pidns) continue;
    visible = true;
    if (Number(nspids.at(-1)) !== pid) continue;
    const hostPid = Number(name);
    const actual = readStartTime(hostPid);
    if (start === undefined || actual === start)
      return { status: 'alive', pid: hostPid, sinceMs: readSinceMs(hostPid, actual) };
  }
  // Gone: the recorded process, or (seen from the initial namespace, every process readable) its namespace.
  if (visible || (ours === INIT_PID_NAMESPACE && !blind)) return { status: 'gone' };
  return { status: 'unknown' };
}

/**
 * When our PID namespace began: the start of its PID 1 (in our /proc), which precedes every other
 * process in it. Undefined when it cannot be read.
 */
export function readNamespaceStartMs(): number | undefined {
  return readSinceMs(1);
}

function readProcEntries(): string[] {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

/** The PID namespace of `pid`; undefined when it is gone, null when we may not read it (another user's). */
function nsOf(pid: string): string | undefined | null {
  try {
    return /\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/pid`))?.[1];
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
