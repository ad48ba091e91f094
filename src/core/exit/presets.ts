import { InvalidOptionError } from '../../errors.js';
import type { ExitPreset, Outcome } from '../types.js';

export type { ExitPreset } from '../types.js';

/**
 * Exit codes by service manager: the one table behind `createLifecycle({ exitPreset })` and
 * `lastcall run --exit-preset`. An outcome left out keeps its default (library: clean 0, else 1).
 */
export const EXIT_PRESETS = {
  // Exit 0 and a SIGTERM death are a clean stop to systemd; 143 is one only with SuccessExitStatus=143.
  systemd: { clean: 0 },
  // KeepAlive { SuccessfulExit = false } relaunches after any non-zero exit; 75 is sysexits' EX_TEMPFAIL.
  launchd: { clean: 0, failed: 75, 'timed-out': 75, forced: 75 },
  // 137 is what the kubelet's SIGKILL at the end of the grace period leaves: one code for "did not fit".
  kubernetes: { clean: 0, 'timed-out': 137 },
} as const satisfies Record<ExitPreset, Partial<Record<Outcome, number>>>;

export const EXIT_PRESET_NAMES = Object.keys(EXIT_PRESETS) as ExitPreset[];

export function isExitPreset(value: unknown): value is ExitPreset {
  return typeof value === 'string' && Object.hasOwn(EXIT_PRESETS, value);
}

/** Throws naming the valid presets. */
export function validateExitPreset(option: string, value: unknown): asserts value is ExitPreset {
  if (!isExitPreset(value))
    throw new InvalidOptionError(option, `one of ${EXIT_PRESET_NAMES.map((name) => `"${name}"`).join(', ')}`, value);
}
