// Spawning helpers for the pidfile tests: real node processes, lines on stdout, READY before use.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'pidfile');
const live = new Set();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A fresh directory (mode 0755, so another user can look in), removed by the returned cleanup. */
export function tempDir(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lastcall-pidfile-'));
  chmodSync(dir, 0o755);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Spawns `node fixtures/pidfile/<name> ...args` (optionally through a wrapper command such as setpriv). */
export function startProcess(name, args = [], { wrapper = [] } = {}) {
  const command = wrapper.length > 0 ? wrapper[0] : process.execPath;
  const argv = [
    ...wrapper.slice(1),
    ...(wrapper.length > 0 ? [process.execPath] : []),
    path.join(fixtures, name),
    ...args,
  ];
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  const proc = { child, pid: child.pid, lines: [], stderr: '' };
  const waiters = new Set();
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    for (const line of parts) {
      proc.lines.push(line);
      for (const w of waiters) w(line);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => (proc.stderr += chunk));
  // 'close', not 'exit': only then has every line the child printed been read.
  proc.exited = once(child, 'close').then(([code, signal]) => {
    live.delete(child);
    return { code, signal };
  });
  /** The first line (already seen or future) matching `re`; rejects on exit or after `timeoutMs`. */
  proc.waitForLine = (re, timeoutMs = 10_000) => {
    const seen = proc.lines.find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (fn, value) => {
        clearTimeout(timer);
        waiters.delete(check);
        fn(value);
      };
      const check = (line) => re.test(line) && done(resolve, line);
      const timer = setTimeout(
        () => done(reject, new Error(`${name}: no line ${re} in ${timeoutMs} ms\n${proc.stderr}`)),
        timeoutMs,
      );
      waiters.add(check);
      proc.exited.then(({ code, signal }) =>
        done(reject, new Error(`${name} exited (${code ?? signal}) before ${re}\n${proc.stderr}`)),
      );
    });
  };
  /** Lines matching `re` seen so far. */
  proc.count = (re) => proc.lines.filter((l) => re.test(l)).length;
  proc.send = (line) => child.stdin.write(`${line}\n`);
  proc.kill = async (signal = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return proc.exited;
  };
  return proc;
}

/**
 * Starts `count` copies of a fixture, registers their cleanup with `t` at once (so a copy that is slow
 * to start under load never leaves the others running and the test file hanging), then waits for
 * every READY, with a generous bound: 20 node processes starting at once on a busy 2-core machine.
 */
export async function startAllReady(t, count, name, args) {
  const procs = Array.from({ length: count }, () => startProcess(name, args));
  t.after(() => Promise.all(procs.map((proc) => proc.kill())));
  await Promise.all(procs.map((proc) => proc.waitForLine(/^READY\b/, 60_000)));
  return procs;
}

/** Starts a fixture and waits for its READY line. */
export async function startReady(name, args, options) {
  const proc = startProcess(name, args, options);
  await proc.waitForLine(/^READY\b/);
  return proc;
}

/** The identity a lastcall record would hold for `pid` (Linux /proc), for writing fake files. */
export function identityOf(pid) {
  const stat = existsSync(`/proc/${pid}`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : undefined;
  const start = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return { start, boot };
}
