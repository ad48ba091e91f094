// Spawns a fixture script as a real process and waits for READY. Tests use this instead of sleeping.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const live = new Set();

process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts `node fixtures/<name> ...args` and resolves once it printed READY.
 * The handle collects stdout/stderr and resolves `exited` with { code, signal, atMs }.
 */
export async function startFixture(name, { args = [], env = {}, readyTimeoutMs = 10_000 } = {}) {
  const child = spawn(process.execPath, [path.join(fixturesDir, name), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const fixture = { child, pid: child.pid, stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk) => (fixture.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (fixture.stderr += chunk));
  // 'close', not 'exit': only then has everything the child printed been read.
  fixture.exited = once(child, 'close').then(([code, signal]) => {
    live.delete(child);
    return { code, signal, atMs: performance.now() };
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name}: no READY in ${readyTimeoutMs} ms\n${fixture.stderr}`)),
      readyTimeoutMs,
    );
    const check = () => {
      if (/^READY\b/m.test(fixture.stdout)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    fixture.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before READY\n${fixture.stderr}`));
    });
  });
  await ready;
  /** Sends a signal and resolves with the exit info and the ms from the signal to the exit. */
  fixture.signalAndWait = async (signal = 'SIGTERM') => {
    const sentAt = performance.now();
    child.kill(signal);
    const exit = await fixture.exited;
    return { ...exit, elapsedMs: exit.atMs - sentAt };
  };
  /** The JSON the fixture printed on a `REPORT ` line, if any. */
  fixture.report = () => {
    const line = fixture.stdout.split('\n').find((l) => l.startsWith('REPORT '));
    return line ? JSON.parse(line.slice('REPORT '.length)) : undefined;
  };
  return fixture;
}
