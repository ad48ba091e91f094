import { loadBuiltin } from './builtins.js';

/** The fields of /proc/<pid>/stat (Linux) that lastcall's modules need. */
export interface ProcStat {
  /** Single letter; 'Z' (zombie) and 'X' (dead) mean gone. */
  state: string;
  ppid: number;
  pgid: number;
  /** Field 22, clock ticks since boot: with the pid, it identifies a process across pid reuse. */
  startTime: string;
}

/** Parses /proc/<pid>/stat. The command name (field 2) may hold spaces and ')', so fields are read after the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ')': state(3) ppid(4) pgrp(5) ... starttime(22) → indexes 0, 1, 2 ... 19.
  const fields = text.slice(close + 2).split(' ');
  const [state, ppid, pgid] = fields;
  const startTime = fields[22 - 3];
  if (state === undefined || ppid === undefined || pgid === undefined || !/^\d+$/.test(startTime ?? ''))
    return undefined;
  return { state, ppid: Number(ppid), pgid: Number(pgid), startTime: startTime as string };
}

/** Reads /proc/<pid>/stat synchronously (a few µs); undefined when the process is gone or unreadable. */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(loadBuiltin('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}
