// How a tcp:/http readiness failure is worded, by `lastcall run --ready` and `lastcall doctor` alike:
// what was polled (the URL or address), the per-try timeout, how the tries ended (refused, timed out,
// status N), and, when the child's own output says it is ready, the --ready log: that would fit.

import { escapeRegExp } from '../internal/lines.js';

/** One tcp:/http try gives up after this long (a slower answer is a failed try). */
export const READY_TRY_MS = 1000;

/** What this file reads of a ReadySpec (structural: ready-spec.ts imports this file, not the reverse). */
type PolledSpec = { kind: 'tcp'; host: string; port: number } | { kind: 'http'; url: string } | { kind: 'log' | 'fd' };

/** Counts how each failed tcp:/http try ended. */
export class ReadyTries {
  readonly #counts = new Map<string, number>();

  readonly record = (outcome: string): void => {
    const word = outcome === 'ECONNREFUSED' ? 'refused' : outcome;
    this.#counts.set(word, (this.#counts.get(word) ?? 0) + 1);
  };

  get total(): number {
    return [...this.#counts.values()].reduce((a, b) => a + b, 0);
  }

  describe(): string {
    return [...this.#counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
  }
}

/** Lines a service prints once it serves: a hint that --ready log: would have fit. */
const LOOKS_READY = /\b(ready|listening|started|serving|running on|accepting connections)\b/i;

/** The reason for "not ready within the timeout", naming what was polled and how. */
export function describeNotReady(spec: PolledSpec, timeoutMs: number, tries: ReadyTries, output: string): string {
  const how = describeTries(spec, tries, output);
  return `not ready within ${timeoutMs} ms${how ? `: ${how}` : ''}`;
}

/**
 * `GET <url> never succeeded (N tries, …)` and the log: hint; '' when there is nothing to add.
 * `output` undefined: the child's output was not seen (inherited), so the hint is conditional.
 */
export function describeTries(spec: PolledSpec, tries: ReadyTries, output: string | undefined): string {
  if (spec.kind !== 'tcp' && spec.kind !== 'http') return '';
  const target = spec.kind === 'http' ? `GET ${spec.url}` : `connect to ${spec.host}:${spec.port}`;
  const polled = `${target} never succeeded (${tries.total} tries, each given up after ${READY_TRY_MS} ms: ${tries.describe() || 'none finished'})`;
  if (output === undefined)
    return `${polled}; if the child prints a line once it serves, --ready 'log:<regex>' waits for that line instead`;
  const line = output
    .split('\n')
    .reverse()
    .find((l) => LOOKS_READY.test(l));
  const word = line === undefined ? undefined : LOOKS_READY.exec(line)?.[0];
  const hint =
    line === undefined || word === undefined
      ? ''
      : `; the output says "${line.trim().slice(0, 80)}": if that line marks readiness, use --ready 'log:${escapeRegExp(word)}'`;
  return `${polled}${hint}`;
}
