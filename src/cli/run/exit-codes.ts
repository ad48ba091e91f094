import { EXIT_PRESET_NAMES, EXIT_PRESETS, type ExitPreset, isExitPreset } from '../../core/exit/presets.js';
import type { Outcome } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import type { RunOutcome } from './report.js';

/** Codes for outcomes that do not pass the child's own code through. */
export const RUN_EXIT_CODES = {
  usage: 2,
  'pidfile-held': 75,
  'pidfile-failed': 73,
  'listen-failed': 98,
  'ready-timeout': 122,
  'gave-up': 123,
  'timed-out': 124,
  forced: 125,
  'spawn-failed': 127,
  survivors: 1,
} as const;

const OUTCOMES: readonly RunOutcome[] = [
  'exited', 'stopped', 'timed-out', 'forced', 'gave-up', 'ready-timeout', 'survivors', 'spawn-failed', 'pidfile-held', 'pidfile-failed', 'listen-failed',
];

/** The library outcome each run outcome is, for the exit presets (core's EXIT_PRESETS, one table). */
const PRESET_OUTCOMES = { stopped: 'clean', 'gave-up': 'failed', 'timed-out': 'timed-out', forced: 'forced' } as const satisfies Partial<
  Record<RunOutcome, Outcome>
>;

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
export function parseExitCodeMap(preset: string | undefined, pairs: readonly string[]): Partial<Record<RunOutcome, number>> {
  const map: Partial<Record<RunOutcome, number>> = {};
  if (preset !== undefined) {
    if (!isExitPreset(preset)) throw new UsageError(`--exit-preset: expected one of ${EXIT_PRESET_NAMES.join(', ')}, got "${preset}"`);
    Object.assign(map, runExitPreset(preset));
  }
  for (const pair of pairs) {
    const m = /^([a-z-]+)=(\d{1,3})$/.exec(pair);
    const outcome = m?.[1] as RunOutcome | undefined;
    if (!m || !outcome || !OUTCOMES.includes(outcome) || Number(m[2]) > 255) {
      throw new UsageError(`--exit-code: expected <outcome>=<0-255> with outcome one of ${OUTCOMES.join(', ')}, got "${pair}"`);
    }
    map[outcome] = Number(m[2]);
  }
  return map;
}

/** The runner's exit code: the mapped code, else the child's own (signal death → 128+n; 126/127 for a
 * failed spawn), else the table. */
export function exitCodeFor(outcome: RunOutcome, childCode: number | undefined, map: Partial<Record<RunOutcome, number>>): number {
  const mapped = map[outcome];
  if (mapped !== undefined) return mapped;
  const passThrough = outcome === 'exited' || outcome === 'stopped' || outcome === 'spawn-failed';
  if (passThrough && childCode !== undefined) return childCode;
  if (outcome === 'exited' || outcome === 'stopped') return 0;
  return RUN_EXIT_CODES[outcome];
}
