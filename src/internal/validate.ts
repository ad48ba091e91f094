import { InvalidOptionError, UnknownOptionError } from '../errors.js';

/** Checks that `options` is undefined or a plain object whose keys are all in `known`. */
export function validateOptions(
  options: unknown,
  known: readonly string[],
  where: string,
): asserts options is object | undefined {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(where, 'an options object', options);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new UnknownOptionError(key, where, known);
  }
}

/**
 * Reads an options object once into a plain copy of its own keys, so that a getter or a Proxy trap
 * runs once, here: a throw becomes a typed error, and a value cannot change between check and use.
 * Only plain objects are accepted (an inherited option would otherwise be silently ignored).
 */
export function normalizeOptionsObject(
  options: unknown,
  known: readonly string[] | 'any',
  where: string,
): Record<string, unknown> | undefined {
  if (options === undefined) return undefined;
  const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let keys: string[];
  try {
    const proto: unknown = options === null || typeof options !== 'object' ? undefined : Object.getPrototypeOf(options);
    if (proto !== Object.prototype && proto !== null)
      throw new InvalidOptionError(where, 'a plain options object', options);
    keys = Object.keys(options as object);
    for (const key of keys)
      if (known === 'any' || known.includes(key)) copy[key] = (options as Record<string, unknown>)[key];
  } catch (error) {
    if (error instanceof InvalidOptionError) throw error;
    throw new InvalidOptionError(where, 'an options object whose properties can be read', options, error);
  }
  // 'any': the caller validates the keys of the copy itself.
  if (known !== 'any')
    for (const key of keys) if (!known.includes(key)) throw new UnknownOptionError(key, where, known);
  return copy;
}

/** A timeout option: 0 and Infinity both mean "no timeout of its own" (an outer bound still holds). */
export function normalizeTimeout(ms: number): number {
  return ms === 0 ? Infinity : ms;
}

/** An array of strings read once (a Proxy or a getter cannot throw later, or change it). */
export function normalizeStringArray(name: string, value: unknown): string[] {
  let copy: unknown[];
  try {
    if (!Array.isArray(value)) throw new InvalidOptionError(name, 'an array of non-empty strings', value);
    copy = Array.from(value as unknown[]);
  } catch (error) {
    if (error instanceof InvalidOptionError) throw error;
    throw new InvalidOptionError(name, 'an array whose items can be read', value, error);
  }
  validateStringArray(name, copy);
  return copy;
}

/** A duration in ms: a non-negative number; Infinity only when `allowInfinity`. */
export function validateDuration(name: string, value: unknown, allowInfinity = true): asserts value is number {
  const ok =
    typeof value === 'number' && !Number.isNaN(value) && value >= 0 && (allowInfinity || Number.isFinite(value));
  if (!ok) {
    throw new InvalidOptionError(name, allowInfinity ? 'a non-negative number' : 'a finite non-negative number', value);
  }
}

export function validateInteger(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(name, `an integer >= ${min}`, value);
  }
}

export function validateBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(name, 'a boolean', value);
}

export function validateFunction(name: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw new InvalidOptionError(name, 'a function', value);
}

export function validateString(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new InvalidOptionError(name, 'a non-empty string', value);
}

export function validateStringArray(name: string, value: unknown): asserts value is string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw new InvalidOptionError(name, 'an array of non-empty strings', value);
  }
}

export function validateSignal(name: string, value: unknown): asserts value is AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) {
    throw new InvalidOptionError(name, 'an AbortSignal', value);
  }
}

/** Reads a duration from the environment; an unset or empty variable gives undefined. */
export function normalizeEnvDuration(
  variable: string,
  env: NodeJS.ProcessEnv = process.env,
  expected = 'a non-negative number of ms',
): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim() === 'Infinity' ? Infinity : Number(raw);
  if (!/^\s*(\d+(\.\d+)?|Infinity)\s*$/.test(raw)) throw new InvalidOptionError(variable, expected, raw);
  return value;
}
