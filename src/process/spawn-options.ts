import type { StdioOptions } from 'node:child_process';
import { statSync } from 'node:fs';
import { validateBoolean, validateDuration, validateOptions, validateString } from '../internal/validate.js';
import { InvalidOptionError } from '../errors.js';
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
}

const KNOWN = ['cwd', 'env', 'stdio', 'ipc', 'serialization', 'graceMs', 'termMs', 'stopSignal', 'guardian', 'listenFds'];
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
  if (typeof stopSignal !== 'string' || !/^SIG[A-Z0-9]+$/.test(stopSignal)) throw new InvalidOptionError('stopSignal', 'a signal name such as "SIGTERM"', stopSignal);
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
  return { cwd: o.cwd, env: o.env ?? process.env, stdio: ipc ? [...placed, 'ipc'] : placed, serialization, graceMs, termMs, stopSignal, guardian, listen };
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
    e === null || e === undefined || STDIO_WORDS.includes(e as string) || (typeof e === 'number' && Number.isInteger(e) && e >= 0);
  if (!Array.isArray(entries) || entries.length > 64 || !entries.every(ok)) {
    throw new InvalidOptionError('stdio', `"pipe", "ignore", "inherit" or an array of up to 64 of those or fds`, stdio);
  }
  const out = [...(entries as StdioEntry[])];
  while (out.length < 3) out.push('pipe');
  return out;
}
