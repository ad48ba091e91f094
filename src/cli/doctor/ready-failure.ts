// How doctor words a readiness failure: what it tried (the URL or address, the per-try timeout, how
// the tries ended), and, when the service's own output says it is ready, the --ready log: that fits.
import { READY_TRY_MS, type ReadySpec } from '../ready-spec.js';

/** Counts how each failed tcp:/http try ended. */
export class ReadyTries {
  readonly #counts = new Map<string, number>();
  last = '';

  readonly record = (outcome: string): void => {
    this.#counts.set(outcome, (this.#counts.get(outcome) ?? 0) + 1);
    this.last = outcome;
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
export function describeNotReady(spec: ReadySpec, timeoutMs: number, tries: ReadyTries, output: string): string {
  const base = `not ready within ${timeoutMs} ms`;
  const target =
    spec.kind === 'http' ? `GET ${spec.url}` : spec.kind === 'tcp' ? `connect to ${spec.host}:${spec.port}` : undefined;
  const polled =
    target === undefined
      ? ''
      : `: ${target} never succeeded (${tries.total} tries, each given up after ${READY_TRY_MS} ms: ${tries.describe() || 'none finished'})`;
  const line = output
    .split('\n')
    .reverse()
    .find((l) => LOOKS_READY.test(l));
  const word = line === undefined ? undefined : LOOKS_READY.exec(line)?.[0];
  const hint =
    line === undefined || word === undefined || spec.kind === 'log'
      ? ''
      : `; the output says "${line.trim().slice(0, 80)}": if that line marks readiness, use --ready 'log:${escapeRegex(word)}'`;
  return `${base}${polled}${hint}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
