import { type DeadlineSource, normalizePlatformDeadline } from '../../core/deadline-source.js';
import type { ListenAddress } from '../../process/index.js';
import { listFlag, parseCommandLine, stringFlag } from '../args.js';
import { parseCount, parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { flagDefault } from '../flags.js';
import { validateOutputPath } from '../output-path.js';
import { parseReadySpec, type ReadySpec } from '../ready-spec.js';
import { parseSignal } from '../signals.js';
import { validateAdoptCommand } from './adopt.js';
import { parseExitCodeMap } from './exit-codes.js';
import { RUN_FLAGS } from './flags.js';
import { activatedCount, parseListenSpec } from './listen-spec.js';

export { RUN_FLAGS } from './flags.js';
import type { RunOutcome } from './report.js';

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
  /** --listen: sockets the runner binds and passes to every child (after any it was itself handed). */
  listen: ListenAddress[];
  /** Sockets the runner got by socket activation (fds 3..), passed on first. */
  activated: number;
  /** --reload-signal: starts a reload (new child, then the old one stopped); undefined = none. */
  reloadSignal: NodeJS.Signals | undefined;
  /** Preload lastcall/auto into the (Node) child. */
  adopt: boolean;
  /** Where deadlineMs came from (--deadline, LASTCALL_DEADLINE_MS, a platform, the default). */
  deadlineSource: DeadlineSource;
  /** Give the child LASTCALL_DEADLINE_MS (its share of the deadline); false when the user set that variable for the child (next to --deadline). */
  handDownDeadline: boolean;
  /** Found while parsing (a platform value ignored, Kubernetes without a deadline): printed once and kept in the report. */
  warnings: string[];
}

/** `--help` returns undefined. Every bad value is a UsageError naming its flag. */
export function parseRunOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RunOptions | undefined {
  const { values, command } = parseCommandLine(argv, RUN_FLAGS);
  if (values.help === true) return undefined;
  const [file, ...args] = command;
  if (file === undefined || file === '')
    throw new UsageError('run: missing the command: lastcall run [options] -- <command> [args...]');
  const s = (name: string): string | undefined => stringFlag(values, name);
  /** The given value, else the table's default. */
  const d = (name: string): string => s(name) ?? flagDefault(RUN_FLAGS, name);
  const duration = (name: string): number => parseDuration(`--${name}`, d(name));
  const envDeadline = env.LASTCALL_DEADLINE_MS;
  const envGiven = envDeadline !== undefined && envDeadline !== '';
  // Neither flag nor variable: the platform's grace period (docs/deadline.md), else 25 s.
  const platform = s('deadline') === undefined && !envGiven ? normalizePlatformDeadline(env) : undefined;
  const deadlineMs =
    s('deadline') !== undefined || !envGiven
      ? ((s('deadline') === undefined ? platform?.deadlineMs : undefined) ?? duration('deadline'))
      : parseDuration('LASTCALL_DEADLINE_MS', envDeadline, true);
  const deadlineSource: DeadlineSource = platform?.source ?? {
    source: s('deadline') !== undefined ? 'option' : 'env',
    detail: s('deadline') !== undefined ? '--deadline' : 'LASTCALL_DEADLINE_MS',
  };
  if (deadlineMs < 1) throw new UsageError(`--deadline: expected at least 1ms, got "${s('deadline') ?? envDeadline}"`);
  const [backoffMinMs, backoffMaxMs] = parseBackoff(d('backoff'));
  const ready = s('ready') === undefined ? undefined : parseReadySpec('--ready', s('ready') ?? '');
  const listen = listFlag(values, 'listen').map(parseListenSpec);
  const activated = activatedCount(env);
  const reloadSignal =
    s('reload-signal') === undefined
      ? undefined
      : parseSignal('--reload-signal', s('reload-signal') ?? '', { catchable: true });
  validateListenCombination(ready, listen.length + activated, reloadSignal);
  return {
    command: file,
    args,
    deadlineMs,
    stopSignal: parseSignal('--stop-signal', d('stop-signal'), { catchable: true }),
    restart: parseRestart(d('restart')),
    backoffMinMs,
    backoffMaxMs,
    maxRestarts: parseCount('--max-restarts', d('max-restarts')),
    restartWindowMs: duration('restart-window'),
    resetAfterMs: duration('reset-after'),
    noRestartOn: parseCodes(listFlag(values, 'no-restart-on')),
    pidfile: s('pidfile'),
    pidfileWaitMs: duration('pidfile-wait'),
    ready,
    readyTimeoutMs: duration('ready-timeout'),
    report: reportPath(s('report')),
    json: values.json === true,
    exitCodes: parseExitCodeMap(s('exit-preset'), listFlag(values, 'exit-code')),
    listen,
    activated,
    reloadSignal,
    adopt: values.adopt === true && (validateAdoptCommand(file), true),
    deadlineSource,
    handDownDeadline: !(s('deadline') !== undefined && envGiven),
    warnings: platform?.warning === undefined ? [] : [`lastcall: ${platform.warning}`],
  };
}

/** Readiness a socket the runner holds would fake, and fds the sockets take. */
function validateListenCombination(
  ready: ReadySpec | undefined,
  sockets: number,
  reloadSignal: NodeJS.Signals | undefined,
): void {
  const network = ready?.kind === 'tcp' || ready?.kind === 'http';
  if (network && sockets > 0) {
    throw new UsageError(
      '--ready: tcp: and http readiness cannot be used with --listen: the runner holds the socket, so it accepts connections before any child is ready; use log:<regex> or fd:<n>',
    );
  }
  if (network && reloadSignal) {
    throw new UsageError(
      '--ready: tcp: and http readiness cannot be used with --reload-signal: the old child would answer for the new one; use log:<regex> or fd:<n>',
    );
  }
  if (ready?.kind === 'fd' && ready.fd < 3 + sockets) {
    throw new UsageError(
      `--ready: fd:${ready.fd} is taken by a listening socket (fds 3..${2 + sockets}); use fd:${3 + sockets} or above`,
    );
  }
  if (reloadSignal === 'SIGTERM' || reloadSignal === 'SIGINT') {
    throw new UsageError(
      `--reload-signal: ${reloadSignal} stops the runner; choose another signal such as SIGHUP or SIGUSR2`,
    );
  }
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
    if (!/^\d{1,3}$/.test(part.trim()) || Number(part) > 255)
      throw new UsageError(`--no-restart-on: expected exit codes 0-255 separated by commas, got "${part}"`);
    codes.add(Number(part));
  }
  return codes;
}

/** `--report`: a path that cannot be written is a usage error now, not a lost report at the end. */
function reportPath(path: string | undefined): string | undefined {
  if (path === '') throw new UsageError('--report: expected a file path');
  return path === undefined ? undefined : validateOutputPath('report', path);
}
