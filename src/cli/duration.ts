import { UsageError } from './errors.js';

const UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;

/**
 * Parses a CLI duration: `1500`, `1500ms`, `2s`, `1.5s`, `1m`, `1h` → milliseconds. Anything else is
 * a usage error naming the flag, so `--deadline 5x` never silently becomes a default. A bare number
 * from 1 to 999 is refused too: ops people write seconds (`TimeoutStopSec=30`), and `--deadline 30`
 * read as 30 ms would SIGKILL a healthy service at once. `bareMs` is for names that say ms themselves.
 */
export function parseDuration(flag: string, value: string, bareMs = false): number {
  const match = DURATION.exec(value.trim());
  if (!match) throw new UsageError(`${flag}: expected a duration such as 1500ms, 2s or 1m, got "${value}"`);
  const n = Number(match[1]);
  if (match[2] === undefined && !bareMs && n > 0 && n < 1000) {
    throw new UsageError(
      `${flag}: "${value}" has no unit; write ${match[1]}s for seconds (or ${match[1]}ms if you mean milliseconds)`,
    );
  }
  const ms = n * (UNITS[match[2] ?? ''] ?? 1);
  if (!Number.isFinite(ms)) throw new UsageError(`${flag}: duration "${value}" is too large`);
  return Math.round(ms);
}

/** Parses a non-negative integer flag value (`--max-restarts 5`, `--runs 3`). */
export function parseCount(flag: string, value: string, min = 0): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${flag}: expected a whole number, got "${value}"`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`${flag}: expected a whole number >= ${min}, got "${value}"`);
  return n;
}
