// Shared helpers for the process tests: fixture paths, line waiting, liveness from /proc.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixture = (name) => fileURLToPath(new URL(`../fixtures/process/${name}`, import.meta.url));
export const node = process.execPath;

/** Resolves with the first line of `stream` matching `re` (rejects after timeoutMs). */
export function waitForLine(stream, re, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => done(new Error(`no line matching ${re} within ${timeoutMs} ms; got ${JSON.stringify(buf.slice(-200))}`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      buf += chunk.toString('utf8');
      const line = buf.split('\n').find((l) => re.test(l));
      if (line !== undefined) done(undefined, line);
    };
    const done = (error, line) => {
      clearTimeout(timer);
      stream.off('data', onData);
      if (error) reject(error);
      else resolve(line);
    };
    stream.on('data', onData);
  });
}

/** true when the process exists and is not a zombie (this sandbox's init never reaps orphans). */
export function isAlive(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Polls `check` until it returns true or timeoutMs passes; returns the last result. */
export async function waitUntil(check, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** SIGKILLs whatever is left (test cleanup). */
export function killAll(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Pids of the lastcall guardians watching `pid` (cmdline `lastcall-guardian … guarding-trees-of-pid-<pid> …`). */
export function guardiansOf(pid) {
  const mark = `guarding-trees-of-pid-${pid}`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
        return argv[0] === 'lastcall-guardian' && argv.includes(mark);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Waits until the guardians have done their work and exited. A guardian's rounds read every /proc
 * entry, so on a loaded box they take seconds: the test waits for the event, and `hangGuardMs` only
 * catches a guardian that never ends. Resolves true when all exited.
 */
export function waitForGuardians(guardians, hangGuardMs = 60_000) {
  return waitUntil(() => !guardians.some(isAlive), hangGuardMs);
}
