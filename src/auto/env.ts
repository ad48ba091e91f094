import { validateExitPreset } from '../core/exit/presets.js';
import type { LifecycleOptions } from '../core/types.js';
import { InvalidOptionError } from '../errors.js';
import { normalizeEnvDuration } from '../internal/validate.js';

/**
 * The `LASTCALL_*` variables `lastcall/auto` reads (LASTCALL_DEADLINE_MS and
 * LASTCALL_STEP_TIMEOUT_MS are read by createLifecycle() itself, for every lifecycle).
 */
export const AUTO_VARIABLES = [
  'LASTCALL_AUTO',
  'LASTCALL_DEADLINE_MS',
  'LASTCALL_STEP_TIMEOUT_MS',
  'LASTCALL_PRE_STOP_DELAY_MS',
  'LASTCALL_EXIT_PRESET',
  'LASTCALL_ADOPT_SIGNAL_LISTENERS',
] as const;

/** false when `LASTCALL_AUTO=0` turns the preload off (a Node process started by one that has it). */
export function normalizeAutoEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.LASTCALL_AUTO?.trim();
  if (value === undefined || value === '' || value === '1') return true;
  if (value === '0') return false;
  throw new InvalidOptionError('LASTCALL_AUTO', '"0" or "1"', value);
}

/** The lifecycle options `lastcall/auto` creates its lifecycle with, from the environment. */
export function normalizeAutoOptions(env: NodeJS.ProcessEnv = process.env): LifecycleOptions {
  const options: LifecycleOptions = {};
  const preStopDelayMs = normalizeEnvDuration('LASTCALL_PRE_STOP_DELAY_MS', env);
  if (preStopDelayMs !== undefined) options.preStopDelayMs = preStopDelayMs;
  const preset = env.LASTCALL_EXIT_PRESET?.trim();
  if (preset) {
    validateExitPreset('LASTCALL_EXIT_PRESET', preset);
    options.exitPreset = preset;
  }
  const adopt = env.LASTCALL_ADOPT_SIGNAL_LISTENERS?.trim();
  if (adopt) {
    if (adopt !== '0' && adopt !== '1')
      throw new InvalidOptionError('LASTCALL_ADOPT_SIGNAL_LISTENERS', '"0" or "1"', adopt);
    options.adoptSignalListeners = adopt === '1';
  }
  return options;
}
