// The `files` check's evidence: each --pidfile/--file after exit, and what its PID now points at.
import { readFileSync } from 'node:fs';

import { readProcStat } from '../../internal/proc-stat.js';
import type { WatchedProcess } from '../../process/index.js';

export interface FileState {
  path: string;
  present: boolean;
  pid?: number;
  /** What the recorded PID is now: dead, reused by a stranger, or still the service's own process. */
  pidState?: 'dead' | 'reused' | 'ours' | 'none';
}

export function inspectFiles(paths: readonly string[], tree: readonly WatchedProcess[]): FileState[] {
  return paths.map((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, present: false };
      return { path, present: true, pidState: 'none' };
    }
    const match = /^\s*(\d+)/.exec(text);
    if (!match) return { path, present: true, pidState: 'none' };
    const pid = Number(match[1]);
    const stat = readProcStat(pid);
    if (stat === undefined || stat.state === 'Z' || stat.state === 'X')
      return { path, present: true, pid, pidState: 'dead' };
    const ours = tree.some((p) => p.pid === pid && p.startTime === stat.startTime);
    return { path, present: true, pid, pidState: ours ? 'ours' : 'reused' };
  });
}
