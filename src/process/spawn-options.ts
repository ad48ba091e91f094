import type { StdioOptions } from 'node:child_process';
import { statSync } from 'node:fs';

import { handDownEnv, handDownMs } from '../core/deadline.js';
import { InvalidOptionError } from '../errors.js';
import { validateBoolean, validateDuration, validateOptions, validateString } from '../internal/validate.js';
import { type ListenFd, type NormalizedListenFds, normalizeListenFds, placeListenFds } from './listen-fds.js';

type StdioEntry = 'pipe' | 'ignore' | 'inherit' | number | null | undefined;

export interface SpawnManagedOptions {
  /** Working directory; must exist. Default: this process's cwd. */
  cwd?: string;
  /** Environment. Default process.env. `LASTCALL_TREE` is added to mark the child's tree. */
  env?: NodeJS.ProcessEnv;
  /** 'pipe' (default), 'ignore', 'inherit', or one entry per fd (0-2, and more: a 'pipe' at index 3+ is an extra pipe; a number is an fd to share). */
  stdio?: 'pipe' | 'ignore' | 'inherit' | readonly StdioEntry[];
  /** Open an IPC channel (child is a Node script using process.send). Default false. */
  ipc?: boolean;
  /** IPC serialization. Default 'json'. */
  serialization?: 'json' | 'advanced';
  /** close(): how long to wait after EOF (stdin end, IPC disconnect) before SIGTERM. Default 1000. */
  graceMs?: number;
  /** close(): how long to wait after SIGTERM before SIGKILL. Default 2000. */
  termMs?: number;
  /** close(): the signal the tree gets first (e.g. 'SIGINT' for PM2-style services). Default 'SIGTERM'. */
  stopSignal?: NodeJS.Signals;
  /** Register the child's group with the guardian (killed if this process dies). Default true. */
  guardian?: boolean;
  /**
   * Listening sockets passed as fds 3, 4, ... with systemd's LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID
   * (the child's own pid: the command is exec()ed by /bin/sh, which sets it). Default none.
   */
  listenFds?: readonly ListenFd[];
  /**
   * Hand the child a shutdown deadline it can finish inside: its env gets `LASTCALL_DEADLINE_MS` =
   * the time close() allows between the stop signal and SIGKILL (`termMs`; with a lifecycle, at most
   * its deadline minus `graceMs`) minus a margin (10%, 100 ms to 1 s), replacing any inherited one,
   * and `LASTCALL_PARENT_DEADLINE_MS`. A child using lastcall picks it up; others can read it. Default false.
   */
  handDownDeadline?: boolean | { readonly deadlineMs: number };
}

export interface NormalizedSpawnOptions {
  cwd: string | undefined;
  env: NodeJS.ProcessEnv;
  stdio: StdioOptions;
  serialization: 'json' | 'advanced';
  graceMs: number;
  termMs: number;
  stopSignal: NodeJS.Signals;
  guardian: boolean;
  listen: NormalizedListenFds | undefined;
  /** The deadline handed to the child (in its env), if asked for. */
  childDeadlineMs: number | undefined;
}

const KNOWN = [
  'cwd',
  'env',
  'stdio',
  'ipc',
  'serialization',
  'graceMs',
  'termMs',
  'stopSignal',
  'guardian',
  'handDownDeadline',
  'listenFds',
];
const STDIO_WORDS = ['pipe', 'ignore', 'inherit'];

/** Checks everything at the call site; throws InvalidOptionError / UnknownOptionError. */
export function normalizeSpawnOptions(command: unknown, args: unknown, options: unknown): NormalizedSpawnOptions {
  validateString('command', command);
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
    throw new InvalidOptionError('args', 'an array of strings', args);
  }
  validateOptions(options, KNOWN, 'spawnManaged()');
  const o = (options ?? {}) as SpawnManagedOptions;
  const { graceMs = 1000, termMs = 2000, guardian = true, ipc = false, serialization = 'json' } = o;
  validateDuration('graceMs', graceMs, false);
  validateDuration('termMs', termMs, false);
  validateBoolean('guardian', guardian);
  const stopSignal = o.stopSignal ?? 'SIGTERM';
  if (typeof stopSignal !== 'string' || !/^SIG[A-Z0-9]+$/.test(stopSignal))
    throw new InvalidOptionError('stopSignal', 'a signal name such as "SIGTERM"', stopSignal);
  validateBoolean('ipc', ipc);
  if (serialization !== 'json' && serialization !== 'advanced') {
    throw new InvalidOptionError('serialization', '"json" or "advanced"', serialization);
  }
  if (o.cwd !== undefined) validateCwd(o.cwd);
  if (o.env !== undefined && (o.env === null || typeof o.env !== 'object')) {
    throw new InvalidOptionError('env', 'an object of strings', o.env);
  }
  const listen = normalizeListenFds(o.listenFds);
  const stdio = normalizeStdio(o.stdio ?? 'pipe');
  const placed = listen ? placeListenFds(stdio, listen.fds) : stdio;
  const env = o.env ?? process.env;
  const budgetMs = normalizeHandDownBudget(o.handDownDeadline, graceMs, termMs);
  const childDeadlineMs = budgetMs === undefined ? undefined : handDownMs(budgetMs);
  return {
    cwd: o.cwd,
    env: childDeadlineMs === undefined || budgetMs === undefined ? env : handDownEnv(env, childDeadlineMs, budgetMs),
    stdio: ipc ? [...placed, 'ipc'] : placed,
    serialization,
    graceMs,
    termMs,
    stopSignal,
    guardian,
    childDeadlineMs,
    listen,
  };
}

/** The child's time from stop signal to SIGKILL: termMs, and within a lifecycle's deadline (after graceMs). */
function normalizeHandDownBudget(value: unknown, graceMs: number, termMs: number): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return termMs;
  const deadlineMs = (value as { deadlineMs?: unknown } | null | undefined)?.deadlineMs;
  if (typeof deadlineMs !== 'number' || !(deadlineMs > 0)) {
    throw new InvalidOptionError(
      'handDownDeadline',
      'true, false, or a lifecycle (an object with a positive deadlineMs)',
      value,
    );
  }
  const budget = Math.min(termMs, deadlineMs - graceMs);
  if (!(budget > 0))
    throw new InvalidOptionError(
      'handDownDeadline',
      `a lifecycle whose deadline (${deadlineMs} ms) exceeds graceMs (${graceMs} ms)`,
      value,
    );
  return budget;
}

function validateCwd(cwd: unknown): void {
  validateString('cwd', cwd);
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new InvalidOptionError('cwd', 'an existing directory', cwd);
}

function normalizeStdio(stdio: unknown): StdioEntry[] {
  const entries = typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio;
  const ok = (e: unknown): boolean =>
    e === null ||
    e === undefined ||
    STDIO_WORDS.includes(e as string) ||
    (typeof e === 'number' && Number.isInteger(e) && e >= 0);
  if (!Array.isArray(entries) || entries.length > 64 || !entries.every(ok)) {
    throw new InvalidOptionError('stdio', `"pipe", "ignore", "inherit" or an array of up to 64 of those or fds`, stdio);
  }
  const out = [...(entries as StdioEntry[])];
  while (out.length < 3) out.push('pipe');
  return out;
}
