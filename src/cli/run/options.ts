import { constants } from 'node:os';
import { UsageError } from '../../errors.js';
import { type FlagSpec, listFlag, parseCommandLine, stringFlag } from '../args.js';
import { parseCount, parseDuration } from '../duration.js';
import { parseReadySpec, type ReadySpec } from '../ready-spec.js';
import { parseExitCodeMap } from './exit-codes.js';
import type { RunOutcome } from './report.js';

export const RUN_FLAGS: FlagSpec = {
  deadline: { type: 'string' },
  'stop-signal': { type: 'string' },
  restart: { type: 'string' },
  backoff: { type: 'string' },
  'max-restarts': { type: 'string' },
  'restart-window': { type: 'string' },
  'reset-after': { type: 'string' },
  'no-restart-on': { type: 'string', multiple: true },
  pidfile: { type: 'string' },
  'pidfile-wait': { type: 'string' },
  ready: { type: 'string' },
  'ready-timeout': { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  'exit-code': { type: 'string', multiple: true },
  'exit-preset': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export interface RunOptions {
  command: string;
  args: string[];
  deadlineMs: number;
  stopSignal: NodeJS.Signals;
  restart: 'never' | 'on-failure' | 'always';
  backoffMinMs: number;
  backoffMaxMs: number;
  maxRestarts: number;
  restartWindowMs: number;
  resetAfterMs: number;
  noRestartOn: Set<number>;
  pidfile: string | undefined;
  /** How long to wait for a held PID file to be released (0: refuse at once). */
  pidfileWaitMs: number;
  ready: ReadySpec | undefined;
  readyTimeoutMs: number;
  report: string | undefined;
  json: boolean;
  exitCodes: Partial<Record<RunOutcome, number>>;
}

/** `--help` returns undefined. Every bad value is a UsageError naming its flag. */
export function parseRunOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RunOptions | undefined {
  const { values, command } = parseCommandLine(argv, RUN_FLAGS);
  if (values.help === true) return undefined;
  const [file, ...args] = command;
  if (file === undefined || file === '') throw new UsageError('run: missing the command: lastcall run [options] -- <command> [args...]');
  const s = (name: string): string | undefined => stringFlag(values, name);
  const duration = (name: string, fallback: number): number => {
    const v = s(name);
    return v === undefined ? fallback : parseDuration(`--${name}`, v);
  };
  const envDeadline = env.LASTCALL_DEADLINE_MS;
  const deadlineMs = s('deadline') !== undefined || envDeadline === undefined || envDeadline === ''
    ? duration('deadline', 25_000)
    : parseDuration('LASTCALL_DEADLINE_MS', envDeadline, true);
  if (deadlineMs < 1) throw new UsageError(`--deadline: expected at least 1ms, got "${s('deadline') ?? envDeadline}"`);
  const [backoffMinMs, backoffMaxMs] = parseBackoff(s('backoff') ?? '1s..60s');
  return {
    command: file,
    args,
    deadlineMs,
    stopSignal: parseSignal(s('stop-signal') ?? 'SIGTERM'),
    restart: parseRestart(s('restart') ?? 'never'),
    backoffMinMs,
    backoffMaxMs,
    maxRestarts: s('max-restarts') === undefined ? 10 : parseCount('--max-restarts', s('max-restarts') ?? ''),
    restartWindowMs: duration('restart-window', 600_000),
    resetAfterMs: duration('reset-after', 30_000),
    noRestartOn: parseCodes(listFlag(values, 'no-restart-on')),
    pidfile: s('pidfile'),
    pidfileWaitMs: duration('pidfile-wait', 0),
    ready: s('ready') === undefined ? undefined : parseReadySpec('--ready', s('ready') ?? ''),
    readyTimeoutMs: duration('ready-timeout', 60_000),
    report: s('report'),
    json: values.json === true,
    exitCodes: parseExitCodeMap(s('exit-preset'), listFlag(values, 'exit-code')),
  };
}

function parseSignal(value: string): NodeJS.Signals {
  const name = (/^SIG/i.test(value) ? value : `SIG${value}`).toUpperCase();
  if (!(name in constants.signals) || name === 'SIGKILL' || name === 'SIGSTOP') {
    throw new UsageError(`--stop-signal: expected a catchable signal name such as SIGTERM or SIGINT, got "${value}"`);
  }
  return name as NodeJS.Signals;
}

function parseRestart(value: string): RunOptions['restart'] {
  if (value === 'never' || value === 'on-failure' || value === 'always') return value;
  throw new UsageError(`--restart: expected never, on-failure or always, got "${value}"`);
}

function parseBackoff(value: string): [number, number] {
  const parts = value.split('..');
  if (parts.length !== 2) throw new UsageError(`--backoff: expected <min>..<max> such as 1s..60s, got "${value}"`);
  const min = parseDuration('--backoff', parts[0] ?? '');
  const max = parseDuration('--backoff', parts[1] ?? '');
  if (max < min) throw new UsageError(`--backoff: max must be >= min, got "${value}"`);
  return [min, max];
}

function parseCodes(values: readonly string[]): Set<number> {
  const codes = new Set<number>();
  for (const part of values.flatMap((v) => v.split(','))) {
    if (!/^\d{1,3}$/.test(part.trim()) || Number(part) > 255) throw new UsageError(`--no-restart-on: expected exit codes 0-255 separated by commas, got "${part}"`);
    codes.add(Number(part));
  }
  return codes;
}
