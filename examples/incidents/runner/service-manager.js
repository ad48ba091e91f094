// The service manager every incident runs under (think systemd or the kubelet): it starts the service
// with a run marker in its environment, waits for READY, sends SIGTERM, and SIGKILLs the main process
// when the grace period is over. Everything the run started is found afterwards by its marker.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { killMarked, killMarkedNow, MARKER, waitForNoneMarked } from './processes.js';

// Runs not yet cleaned up: if this process ends early (a failed assertion), nothing of them survives it.
const live = new Set();
process.on('exit', () => {
  for (const token of live) killMarkedNow(token);
});

/** A fresh marker value: every process of one run carries `INCIDENT_RUN=<token>` in its environment. */
export function newRunToken() {
  return randomBytes(6).toString('hex');
}

/**
 * Starts `node <script>` and resolves once it printed READY. The handle: `pid`, `lines` (and their
 * arrival times, `lineTimes`), `stderr()`,
 * `waitForLine(re, timeoutMs)`, `exited`, `stop(graceMs)`.
 */
export async function startService(script, { env = {}, token = newRunToken(), readyTimeoutMs = 15_000 } = {}) {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, [MARKER]: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(token);
  const service = { child, pid: child.pid, token, lines: [], lineTimes: [], stderrText: '' };
  const waiters = new Set();
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    for (const line of parts) {
      service.lines.push(line);
      service.lineTimes.push(performance.now());
      for (const waiter of waiters) waiter(line);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => (service.stderrText += chunk));
  service.stderr = () => service.stderrText;
  service.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, atMs: performance.now() }));
  });
  service.exited.then(() => {
    for (const waiter of waiters) waiter(undefined);
  });

  /** The first stdout line matching `re`, past or future; rejects when the service exits first. */
  service.waitForLine = (re, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      const found = service.lines.find((line) => re.test(line));
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(() => done(new Error(`no line matching ${re} in ${timeoutMs} ms`)), timeoutMs);
      const waiter = (line) => {
        if (line === undefined) done(new Error(`service exited before printing ${re}\n${service.stderrText}`));
        else if (re.test(line)) done(undefined, line);
      };
      const done = (error, line) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        if (error) reject(error);
        else resolve(line);
      };
      waiters.add(waiter);
    });

  /** SIGTERM, then SIGKILL to the main process after `graceMs`, as a service manager does. */
  service.stop = async (graceMs) => {
    const sentAt = performance.now();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const exit = await service.exited;
    clearTimeout(timer);
    // INCIDENTS_DEBUG=1: what the service said on stderr (lastcall's own lines included).
    if (process.env.INCIDENTS_DEBUG) process.stderr.write(`--- ${script}\n${service.stderrText}`);
    return {
      code: exit.code,
      signal: exit.signal,
      killed: exit.signal === 'SIGKILL',
      exitMs: exit.atMs - sentAt,
      sentAt,
    };
  };

  /** Kills whatever is left of this run, the service included (idempotent; for `finally` blocks). */
  service.dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await killMarked(token);
    live.delete(token);
  };

  try {
    await service.waitForLine(/^READY\b/, readyTimeoutMs);
  } catch (error) {
    await service.dispose();
    throw error;
  }
  return service;
}

/** Orphans a run left: processes still carrying its marker 1 s after the service is gone (then removed). */
export async function countOrphans(service) {
  const left = await waitForNoneMarked(service.token, 1000);
  await service.dispose();
  return left.length;
}
