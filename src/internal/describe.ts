// How errors describe what they received and what was thrown: used by every error's message.

/** Describes a received value for messages: `"5s" (string)`, `-1 (number)`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `${JSON.stringify(value)} (string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${String(value)} (${typeof value})`;
  }
  if (typeof value === 'function') return `a function`;
  // A revoked Proxy or a throwing `constructor` getter must not turn a description into a throw.
  try {
    if (Array.isArray(value)) return `an array`;
    const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return `an object (${typeof name === 'string' ? name : 'null prototype'})`;
  } catch {
    return 'an unreadable object (a revoked Proxy or a throwing getter)';
  }
}

/** The message of any thrown value, for one-line logs. */
export function messageOf(error: unknown): string {
  try {
    if (error instanceof Error) return String(error.message);
  } catch {
    return describeValue(error);
  }
  return typeof error === 'string' ? error : describeValue(error);
}
