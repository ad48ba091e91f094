export interface BackoffOptions {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** Fraction of the delay randomised either way: 0.2 → delay × [0.8, 1.2], never above maxMs. */
  jitter: number;
}

/** Delay before restart number `attempt` (1-based): initialMs × factor^(attempt-1), capped, jittered. */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(o.maxMs, o.initialMs * o.factor ** Math.max(0, attempt - 1));
  const low = base * (1 - o.jitter);
  const high = Math.min(o.maxMs, base * (1 + o.jitter));
  return Math.round(low + (high - low) * random());
}
