// Finds the processes of one run by the marker in their environment (/proc/<pid>/environ), so orphans
// are counted by looking, never assumed; and removes them after the measurement. Linux only.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export const MARKER = 'INCIDENT_RUN';

/** Live (not zombie) processes whose environment holds `INCIDENT_RUN=<token>`, this process excluded. */
export function markedProcesses(token) {
  const needle = `${MARKER}=${token}\0`;
  const found = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!`${readFileSync(`/proc/${pid}/environ`, 'latin1')}\0`.includes(needle)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && state !== 'X') found.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Polls until no marked process is left or `timeoutMs` passed; returns what is left. */
export async function waitForNoneMarked(token, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = markedProcesses(token);
    if (left.length === 0 || Date.now() >= until) return left;
    await delay(25);
  }
}

/** One synchronous pass: SIGKILLs every marked process; returns how many it found. */
export function killMarkedNow(token) {
  const left = markedProcesses(token);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return left.length;
}

/** SIGKILLs every marked process, again while new ones appear (measurement cleanup). */
export async function killMarked(token) {
  for (let round = 0; round < 5 && killMarkedNow(token) > 0; round++) await delay(20);
}
