import { InvalidOptionError, LastcallError } from '../errors.js';
import { normalizeOptionsObject } from '../internal/validate.js';
import { DEADLINE_EXPECTED } from './deadline.js';
import { type NormalizedOptions, normalizeLifecycleOptions } from './options.js';
import type { LifecycleOptions } from './types.js';

/** createLifecycle()'s options, checked once: every bad one is a typed error naming it. */
export function readLifecycleOptions(options: LifecycleOptions | undefined): NormalizedOptions {
  let normalized: NormalizedOptions;
  try {
    const read = normalizeOptionsObject(options, 'any', 'createLifecycle()');
    // `?? default` would read null as "not given": say so instead of silently using the default.
    for (const [key, value] of Object.entries(read ?? {})) {
      if (value === null) throw new InvalidOptionError(key, 'a value (leave the option out for its default)', null);
    }
    normalized = normalizeLifecycleOptions(read);
  } catch (error) {
    if (error instanceof LastcallError) throw error;
    // A logger or exitCodes object whose getters throw, or a Proxy: typed, like any bad option.
    throw new InvalidOptionError('createLifecycle()', 'options whose values can be read', options, error);
  }
  // One meaning of 0 for every duration is "no bound of its own"; a deadline must bound something.
  if (normalized.deadlineMs === 0) {
    throw new InvalidOptionError(
      process.env.LASTCALL_DEADLINE_MS ? 'LASTCALL_DEADLINE_MS' : 'deadlineMs',
      DEADLINE_EXPECTED,
      0,
    );
  }
  return normalized;
}
