import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

import { parseProcStat } from '../internal/proc-stat.js';
import { waitForTimeout } from '../internal/wait.js';

/** One process as seen in /proc (Linux) or `ps` (macOS). */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Single-letter state; 'Z' (zombie) and 'X' (dead) count as gone. */
  state: string;
  /** Opaque start time: with the pid, identifies a process across pid reuse. */
  startTime: string;
}

export function isGone(info: ProcInfo | undefined): boolean {
  return info === undefined || info.state === 'Z' || info.state === 'X';
}

function parseStat(pid: number, text: string): ProcInfo | undefined {
  const stat = parseProcStat(text);
  return stat && { pid, ...stat };
}

/** /proc's listing and its small files are read synchronously (~15 µs each; no thread-pool round trip),
 * in batches separated by setImmediate, so a walk is fast and never holds the event loop for long. */
const BATCH = 128;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function readSmall(file: string, encoding: BufferEncoding): string | undefined {
  try {
    return readFileSync(file, encoding);
  } catch {
    return undefined; // vanished between listing and reading, never existed, or not ours
  }
}

/** One process, or undefined when it does not exist. */
export async function readProcess(pid: number): Promise<ProcInfo | undefined> {
  if (process.platform !== 'linux') return (await readProcessTable()).get(pid);
  const text = readSmall(`/proc/${pid}/stat`, 'utf8');
  return text === undefined ? undefined : parseStat(pid, text);
}

/** One process, read synchronously (Linux only: undefined elsewhere, or when it does not exist). */
export function readProcessSync(pid: number): ProcInfo | undefined {
  const text = process.platform === 'linux' ? readSmall(`/proc/${pid}/stat`, 'utf8') : undefined;
  return text === undefined ? undefined : parseStat(pid, text);
}

/** A process's command line (arguments joined by spaces); '' when it is gone, a kernel thread, or not Linux. */
export function readCommand(pid: number): string {
  return (readSmall(`/proc/${pid}/cmdline`, 'utf8') ?? '').split('\0').filter(Boolean).join(' ');
}

/** Several processes at once (one `ps` on macOS); absent pids are missing from the map. */
export async function readProcesses(pids: Iterable<number>): Promise<Map<number, ProcInfo>> {
  if (process.platform !== 'linux') return readPsTable();
  const out = new Map<number, ProcInfo>();
  for (const pid of pids) {
    const text = readSmall(`/proc/${pid}/stat`, 'utf8');
    const info = text === undefined ? undefined : parseStat(pid, text);
    if (info) out.set(pid, info);
  }
  return out;
}

/** Every process on the system (that we can see), by pid. */
export async function readProcessTable(): Promise<Map<number, ProcInfo>> {
  if (process.platform !== 'linux') return readPsTable();
  const table = new Map<number, ProcInfo>();
  const pids = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  for (let i = 0; i < pids.length; i += BATCH) {
    if (i > 0) await yieldToLoop();
    for (const pid of pids.slice(i, i + BATCH)) {
      const text = readSmall(`/proc/${pid}/stat`, 'utf8');
      const info = text === undefined ? undefined : parseStat(pid, text);
      if (info) table.set(pid, info);
    }
  }
  return table;
}

/** A process in the middle of execve shows an empty environment (the new image's is not set up yet):
 * an empty read means "look again", after these pauses. */
const EMPTY_RETRY_MS = [2, 8, 20];

/** The pids whose /proc/<pid>/environ has exactly the entry `entry` (`NAME=value`, compared whole: a
 * longer value or another variable holding it as text is no match). Linux only; other users' processes
 * never match. */
export async function filterByEnviron(pids: readonly number[], entry: string): Promise<Set<number>> {
  const hits = new Set<number>();
  if (process.platform !== 'linux') return hits;
  let pending = pids;
  for (const pauseMs of [...EMPTY_RETRY_MS, undefined]) {
    const empty: number[] = [];
    for (let i = 0; i < pending.length; i += BATCH) {
      if (i > 0) await yieldToLoop();
      for (const pid of pending.slice(i, i + BATCH)) {
        const environ = readSmall(`/proc/${pid}/environ`, 'latin1');
        if (environ === '') empty.push(pid);
        else if (hasEntry(environ, entry)) hits.add(pid);
      }
    }
    if (empty.length === 0 || pauseMs === undefined) break;
    await waitForTimeout(pauseMs, undefined, true);
    pending = empty;
  }
  return hits;
}

/** environ is NUL-separated `NAME=value` entries, each ended by a NUL. */
function hasEntry(environ: string | undefined, entry: string): boolean {
  // The substring test is a cheap filter; only the split compares whole entries.
  return environ?.includes(entry) === true && environ.split('\0').includes(entry);
}

/** macOS and other BSDs: `ps`, whose lstart column identifies the start time. */
function readPsTable(): Promise<Map<number, ProcInfo>> {
  return new Promise((resolve, reject) => {
    execFile('ps', ['-axo', 'pid=,ppid=,pgid=,stat=,lstart='], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      const table = new Map<number, ProcInfo>();
      for (const line of stdout.split('\n')) {
        const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*\S)\s*$/.exec(line);
        if (!m) continue;
        const pid = Number(m[1]);
        table.set(pid, {
          pid,
          ppid: Number(m[2]),
          pgid: Number(m[3]),
          state: (m[4] ?? '?').charAt(0),
          startTime: m[5] ?? '',
        });
      }
      resolve(table);
    });
  });
}
