// Helpers for bench scenarios: spawn fixtures, wait for READY, measure signal→exit, cap hung processes,
// clean up everything started, and summarise figures. Plain ESM, no dependencies.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const rootDir = path.dirname(benchDir);

/** Every child spawned through this module that has not exited yet (harness cleanup kills them). */
const live = new Set();

/** bench/fixtures/<scenario>/<library>.js */
export function fixturePath(scenario, library) {
  return path.join(benchDir, 'fixtures', scenario, `${library}.js`);
}

/** The figure a scenario returns for a process it had to SIGKILL: 'hung (killed at 5 s)'. */
export function hungLabel(capMs) {
  return `hung (killed at ${Number((capMs / 1000).toFixed(1))} s)`;
}

/**
 * Spawns `node <file> ...args` in its own process group (so a cap can kill the whole tree), cwd = repo root.
 * Returns a handle: { child, pid, lines, stderr(), waitForLine(re, ms), exited, exitAt, signal(name), kill() }.
 * `exited` resolves { code, signal, atMs } (performance.now() when 'exit' fired) and never rejects.
 */
export function spawnNode(file, { args = [], nodeArgs = [], env, cwd = rootDir } = {}) {
  return spawnCommand(process.execPath, [...nodeArgs, file, ...args], { env, cwd, label: path.basename(file) });
}

/** spawnNode for any command (a supervisor such as tini in front of a fixture); same handle. */
export function spawnCommand(command, argv, { env, cwd = rootDir, label = path.basename(command) } = {}) {
  const child = spawn(command, argv, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const handle = { child, pid: child.pid, lines: [], exitInfo: undefined };
  let stderrTail = '';
  const waiters = new Set();
  live.add(handle);

  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    for (const line of parts) {
      handle.lines.push(line);
      for (const w of waiters) w.check(line);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });

  handle.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      const atMs = performance.now();
      handle.exitInfo = { code, signal, atMs };
      live.delete(handle);
      for (const w of waiters) w.exit();
      resolve(handle.exitInfo);
    });
    child.once('error', (error) => {
      handle.exitInfo = { code: null, signal: null, atMs: performance.now(), error };
      live.delete(handle);
      for (const w of waiters) w.exit();
      resolve(handle.exitInfo);
    });
  });

  handle.stderr = () => stderrTail;

  /** Resolves with the first stdout line (past or future) matching `re`; rejects on timeout or exit. */
  handle.waitForLine = (re, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      const found = handle.lines.find((l) => re.test(l));
      if (found !== undefined) return resolve(found);
      const fail = (why) => {
        cleanup();
        const summary = summariseStderr(stderrTail);
        reject(new Error(`${label}: ${why} waiting for ${re}${summary ? `; stderr: ${summary}` : ''}`));
      };
      const w = {
        check: (line) => {
          if (re.test(line)) {
            cleanup();
            resolve(line);
          }
        },
        exit: () => fail(`exited (code ${handle.exitInfo.code}, signal ${handle.exitInfo.signal})`),
      };
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(w);
      };
      if (handle.exitInfo) return w.exit();
      waiters.add(w);
    });

  /** Sends `name` to the process itself (not its group); returns performance.now() just before. */
  handle.signal = (name = 'SIGTERM') => {
    const t0 = performance.now();
    try {
      process.kill(child.pid, name);
    } catch (error) {
      if (error.code !== 'ESRCH') throw error;
    }
    return t0;
  };
  /** SIGKILLs the whole process group (the fixture and anything it spawned). */
  handle.kill = () => killGroup(child.pid);
  return handle;
}

/** spawnNode(fixturePath(scenario, library)) */
export function spawnFixture(scenario, library, options) {
  return spawnNode(fixturePath(scenario, library), options);
}

/** The line of a stderr tail that best explains a crash: the first error line, else the last line. */
export function summariseStderr(text) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.find((l) => /^(\w*Error\b|Error \[)|Error:/.test(l)) ?? lines.at(-1) ?? '').slice(0, 300);
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if (error.code !== 'ESRCH')
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
  }
}

/**
 * Waits for the process to exit, at most `capMs` after `sinceMs` (a performance.now() value, default now).
 * Past the cap: SIGKILLs its process group and resolves { hung: true, ... }.
 * Resolves { hung, ms (exit time - sinceMs), code, signal }.
 */
export async function capProcess(handle, capMs, sinceMs = performance.now()) {
  let timer;
  const capped = new Promise((resolve) => {
    timer = setTimeout(resolve, Math.max(0, sinceMs + capMs - performance.now()), 'cap');
  });
  const first = await Promise.race([handle.exited, capped]);
  clearTimeout(timer);
  if (first === 'cap') {
    handle.kill();
    const info = await handle.exited;
    return { hung: true, ms: info.atMs - sinceMs, code: info.code, signal: info.signal };
  }
  return { hung: false, ms: first.atMs - sinceMs, code: first.code, signal: first.signal };
}

/** Sends `signal` and measures signal→exit; same result shape as capProcess. */
export async function measureSignalToExit(handle, { signal = 'SIGTERM', capMs }) {
  const t0 = handle.signal(signal);
  return capProcess(handle, capMs, t0);
}

/**
 * The common case: spawn bench/fixtures/<scenario>/<library>.js, wait for READY, send SIGTERM, and
 * return { exitMs, exitCode } or, when it outlived capMs, { exitMs: hungLabel, exitCode: hungLabel }.
 * A fixture that dies before READY throws (the harness shows an error row).
 */
export async function runToExit(
  scenario,
  library,
  { capMs, signal = 'SIGTERM', readyTimeoutMs = 10_000, env, args } = {},
) {
  const handle = spawnFixture(scenario, library, { env, args });
  try {
    await handle.waitForLine(/^READY$/, readyTimeoutMs);
    const r = await measureSignalToExit(handle, { signal, capMs });
    if (r.hung) return { exitMs: hungLabel(capMs), exitCode: hungLabel(capMs) };
    return { exitMs: r.ms, exitCode: r.code ?? r.signal };
  } finally {
    handle.kill();
  }
}

/** Number of children still alive. */
export function liveCount() {
  return live.size;
}

/** SIGKILLs the process group of every child still alive. Synchronous, so it works in 'exit'. */
export function killAll() {
  for (const handle of live) killGroup(handle.pid);
}

process.once('exit', killAll);

/** Median of finite numbers (mean of the middle two for even counts); NaN for none. */
export function median(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** { min, max } of finite numbers; NaN for none. */
export function minMax(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return { min: NaN, max: NaN };
  return { min: Math.min(...xs), max: Math.max(...xs) };
}

/** Resolves after ms (for pacing load, never for synchronisation). */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
