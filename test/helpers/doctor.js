// Runs the real `lastcall doctor` CLI (dist/) against a fixture and parses its JSON result.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.join(here, '..', '..');
export const cli = path.join(root, 'dist', 'cli', 'main.js');
export const doctorFixture = (name) => path.join(root, 'test', 'fixtures', 'doctor', name);

/** Spawns `lastcall <args>` (or `command argv` when given): { child, closed, stdout(), stderr() }. */
export function spawnCli(args, { env = {}, command = process.execPath, argv = [cli, ...args] } = {}) {
  const child = spawn(command, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  return { child, closed: once(child, 'close'), stdout: () => stdout, stderr: () => stderr };
}

/** `lastcall <args>`: resolves { code, stdout, stderr } (never rejects; killed after `timeoutMs`). */
export async function runCli(args, { timeoutMs = 60_000, env = {} } = {}) {
  const run = spawnCli(args, { env });
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const [code] = await run.closed;
  clearTimeout(timer);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** The command of test/fixtures/doctor/never-ready-daemon.sh, which writes "<service> <daemon>" pids to `pidsFile`. */
export const neverReadyDaemon = (pidsFile) => ['sh', doctorFixture('never-ready-daemon.sh'), pidsFile];

/** The [service, daemon] pids never-ready-daemon.sh wrote. */
export const readDaemonPids = (pidsFile) => readFileSync(pidsFile, 'utf8').trim().split(' ').map(Number);

/** `lastcall doctor --json <flags> -- <command>`: { code, result, stderr }. */
export async function doctor(flags, command, options) {
  const out = await runCli(['doctor', '--json', ...flags, '--', ...command], options);
  let result;
  try {
    result = JSON.parse(out.stdout);
  } catch {
    throw new Error(`doctor printed no JSON (exit ${out.code}):\n${out.stdout}\n${out.stderr}`);
  }
  return { ...out, result };
}

export const checkOf = (result, id) => result.checks.find((c) => c.id === id);

/** A temp dir for the test, removed after. */
export async function withTempDir(fn) {
  const dir = await mkdtemp(path.join(tmpdir(), 'lastcall-doctor-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
