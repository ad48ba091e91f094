import { EXIT_PRESET_NAMES, EXIT_PRESETS, type ExitPreset, isExitPreset } from '../../core/exit/presets.js';
import type { Outcome } from '../../core/types.js';
import { UsageError } from '../errors.js';
import type { RunOutcome } from './report.js';

interface ExitCodeRow {
  readonly outcome: RunOutcome | 'usage';
  /** markdown */
  readonly when: string;
  /** The runner's code; none: the child's own passes through. */
  readonly code?: number;
  /** How the code reads in the docs and --help. */
  readonly codeText?: string;
}

/** `lastcall run`'s exit codes, stated once: exitCodeFor(), `--help` and the docs' table come from it. */
export const RUN_EXIT_TABLE = [
  {
    outcome: 'exited',
    when: 'the child exited on its own and is not restarted',
    codeText: "the child's (signal death 128+n)",
  },
  {
    outcome: 'stopped',
    when: 'a stop signal; the whole tree exited before the deadline',
    codeText: "the child's (143 for a SIGTERM death)",
  },
  { outcome: 'timed-out', when: 'the tree was SIGKILLed at the deadline', code: 124 },
  { outcome: 'forced', when: 'a second stop signal SIGKILLed the tree', code: 125 },
  { outcome: 'gave-up', when: 'more than `--max-restarts` within `--restart-window`', code: 123 },
  { outcome: 'ready-timeout', when: 'not ready within `--ready-timeout`, not restarted', code: 122 },
  { outcome: 'survivors', when: 'processes outlived SIGKILL (D state, or not ours to signal)', code: 1 },
  { outcome: 'spawn-failed', when: 'command not found / not executable', code: 127, codeText: '127 / 126' },
  { outcome: 'pidfile-held', when: '`--pidfile` is held by a live instance (the message names its pid)', code: 75 },
  {
    outcome: 'pidfile-failed',
    when: '`--pidfile` cannot be created (no directory, no permission, a file lastcall will not judge)',
    code: 73,
  },
  {
    outcome: 'listen-failed',
    when: 'a `--listen` socket cannot be bound (the message names it: `EADDRINUSE` a taken port, `EACCES` a privileged one), or `LISTEN_FDS` names an fd that is not a socket; no child is started',
    code: 98,
  },
  { outcome: 'usage', when: 'a bad flag or value', code: 2 },
] as const satisfies readonly ExitCodeRow[];

type FixedOutcome = Extract<(typeof RUN_EXIT_TABLE)[number], { code: number }>['outcome'];

/** Codes for outcomes that do not pass the child's own code through. */
export const RUN_EXIT_CODES = Object.fromEntries(
  RUN_EXIT_TABLE.flatMap((row: ExitCodeRow) => (row.code === undefined ? [] : [[row.outcome, row.code]])),
) as Record<FixedOutcome, number>;

const OUTCOMES: readonly RunOutcome[] = RUN_EXIT_TABLE.flatMap((row: ExitCodeRow) =>
  row.outcome === 'usage' ? [] : [row.outcome],
);

/** The exit codes as a markdown table: outcome, when, exit code. */
export function markdownExitCodeTable(): string {
  const rows = RUN_EXIT_TABLE.map((row: ExitCodeRow) => {
    const outcome = row.outcome === 'usage' ? 'usage' : `\`${row.outcome}\``;
    return `| ${outcome} | ${row.when} | ${row.codeText ?? String(row.code)} |`;
  });
  return ['| outcome | when | exit code |', '|---|---|---|', ...rows].join('\n');
}

/** The exit codes as --help lines: code, outcome, when. */
export function exitCodeHelp(): string {
  return RUN_EXIT_TABLE.map((row: ExitCodeRow) => {
    const code = row.code === undefined ? "child's" : (row.codeText ?? String(row.code));
    return `  ${code.padEnd(10)}${row.outcome.padEnd(16)}${row.when.replaceAll('`', '')}`;
  }).join('\n');
}

/** The library outcome each run outcome is, for the exit presets (core's EXIT_PRESETS, one table). */
const PRESET_OUTCOMES = {
  stopped: 'clean',
  'gave-up': 'failed',
  'timed-out': 'timed-out',
  forced: 'forced',
} as const satisfies Partial<Record<RunOutcome, Outcome>>;

/** A preset's codes by run outcome: a stop the manager asked for is a success, whatever signal the child died of. */
export function runExitPreset(preset: ExitPreset): Partial<Record<RunOutcome, number>> {
  const codes: Partial<Record<Outcome, number>> = EXIT_PRESETS[preset];
  const map: Partial<Record<RunOutcome, number>> = {};
  for (const [outcome, library] of Object.entries(PRESET_OUTCOMES)) {
    const code = codes[library];
    if (code !== undefined) map[outcome as RunOutcome] = code;
  }
  return map;
}

/** `--exit-preset` then `--exit-code outcome=code` (later wins). */
export function parseExitCodeMap(
  preset: string | undefined,
  pairs: readonly string[],
): Partial<Record<RunOutcome, number>> {
  const map: Partial<Record<RunOutcome, number>> = {};
  if (preset !== undefined) {
    if (!isExitPreset(preset))
      throw new UsageError(`--exit-preset: expected one of ${EXIT_PRESET_NAMES.join(', ')}, got "${preset}"`);
    Object.assign(map, runExitPreset(preset));
  }
  for (const pair of pairs) {
    const m = /^([a-z-]+)=(\d{1,3})$/.exec(pair);
    const outcome = m?.[1] as RunOutcome | undefined;
    if (!m || !outcome || !OUTCOMES.includes(outcome) || Number(m[2]) > 255) {
      throw new UsageError(
        `--exit-code: expected <outcome>=<0-255> with outcome one of ${OUTCOMES.join(', ')}, got "${pair}"`,
      );
    }
    map[outcome] = Number(m[2]);
  }
  return map;
}

/** The runner's exit code: the mapped code, else the child's own (signal death → 128+n; 126/127 for a
 * failed spawn), else the table. */
export function exitCodeFor(
  outcome: RunOutcome,
  childCode: number | undefined,
  map: Partial<Record<RunOutcome, number>>,
): number {
  const mapped = map[outcome];
  if (mapped !== undefined) return mapped;
  const passThrough = outcome === 'exited' || outcome === 'stopped' || outcome === 'spawn-failed';
  if (passThrough && childCode !== undefined) return childCode;
  if (outcome === 'exited' || outcome === 'stopped') return 0;
  return RUN_EXIT_CODES[outcome];
}
