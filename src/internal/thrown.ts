import { messageOf } from './describe.js';

/**
 * Any thrown value as an Error that can be read without throwing. A hook may throw anything: a
 * string, an Error whose `message` getter throws, a revoked Proxy. The report, the logs and every
 * listener read what this returns, so reading it must never throw.
 */
export function toError(value: unknown): Error {
  let isError = false;
  try {
    isError = value instanceof Error;
    if (isError) {
      const error = value as Error & { code?: unknown };
      for (const field of [error.message, error.name, error.stack, error.code]) void String(field);
      return error;
    }
  } catch {
    return new Error(
      `a hook threw ${isError ? 'an Error whose fields cannot be read' : 'an unreadable value'} (${messageOf(value)})`,
    );
  }
  return new Error(messageOf(value), { cause: value });
}

/** `instanceof Error` that cannot throw (a revoked Proxy throws on it). */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}
