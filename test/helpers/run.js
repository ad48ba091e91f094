// Helpers for the `lastcall run` tests: the real CLI (dist/cli/main.js) as a real process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { isAlive } from './process.js';

export { isAlive };

const here = path.dirname(fileURLToPath(import.meta.url));
export const CLI = path.join(here, '..', '..', 'dist', 'cli', 'main.js');
export const FIXTURES = path.join(here, '..', 'fixtures', 'cli');
export const fixture = (name) => path.join(FIXTURES, name);
export const NODE = process.execPath;

const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
});

/** A temp directory removed after the test. */
export function tempDir(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lastcall-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Starts `node dist/cli/main.js run <args>` (or `<prefix...> node main.js run <args>`; `raw`: `args` is the whole argv). The handle
 * collects stdout and stderr, `waitFor(re)` resolves with the first match on either, `exited`
 * resolves { code, signal, atMs } once all output is read.
 */
export function startRun(args, { env = {}, prefix = [], stdout = 'pipe', detached = false, raw = false } = {}) {
  const argv = raw ? args : [...prefix, NODE, CLI, 'run', ...args];
  const child = spawn(argv[0], argv.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'pipe'],
    detached,
  });
  live.add(child);
  const run = { child, pid: child.pid, stdout: '', stderr: '' };
  const waiters = new Set();
  const check = () => {
    for (const w of waiters) w();
  };
  child.stdout?.setEncoding('utf8').on('data', (c) => ((run.stdout += c), check()));
  child.stderr.setEncoding('utf8').on('data', (c) => ((run.stderr += c), check()));
  run.exited = once(child, 'close').then(([code, signal]) => {
    live.delete(child);
    check();
    return { code, signal, atMs: performance.now() };
  });
  let closed = false;
  void run.exited.then(() => (closed = true));
  run.waitFor = (re, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      const w = () => {
        const m = re.exec(run.stdout) ?? re.exec(run.stderr);
        if (m) return done(() => resolve(m));
        if (closed) done(() => reject(new Error(`exited before ${re}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`)));
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(new Error(`no ${re} within ${timeoutMs} ms\nstdout: ${run.stdout}\nstderr: ${run.stderr}`)),
          ),
        timeoutMs,
      );
      const done = (fn) => (clearTimeout(timer), waiters.delete(w), fn());
      waiters.add(w);
      w();
    });
  run.signal = (sig) => {
    const at = performance.now();
    child.kill(sig);
    return at;
  };
  return run;
}

/** Runs to completion: { code, stdout, stderr }. */
export async function runToEnd(args, options) {
  const run = startRun(args, options);
  const { code, signal } = await run.exited;
  return { code, signal, stdout: run.stdout, stderr: run.stderr };
}

/** Polls until none of `pids` is alive, or `timeoutMs`; returns those still alive. */
export async function waitGone(pids, timeoutMs = 5000) {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || performance.now() > until) return alive;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}
