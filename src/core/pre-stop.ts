import { performance } from 'node:perf_hooks';

import { waitForTimeout } from '../internal/wait.js';
import type { PreStopReport, TrafficWatch } from './types.js';

/** Sparse traffic must not end the pre-stop early: wait this many times the largest gap seen before the stop. */
export const PRE_STOP_GAP_FACTOR = 3;
/** Gaps older than this before the stop say nothing about the traffic now. */
const GAP_LOOKBACK_MS = 30_000;

export interface PreStopInput {
  /** preStopDelayMs, already clamped to the budget left. */
  maxMs: number;
  quietMs: number;
  sources: readonly TrafficWatch[];
  force: AbortSignal;
  /** performance.now() when the shutdown began: the report's time axis. */
  originMs: number;
}

/**
 * The pre-stop wait: readiness is already false and every server still serves. With watched servers
 * it ends once no request arrived for the quiet window (at least `quietMs` and 3× the largest gap
 * between arrivals before the stop), counted from the later of the stop and the last arrival; at the
 * latest at `maxMs`. Without one there is nothing to watch, so it waits the whole `maxMs`.
 */
export async function waitForPreStop(input: PreStopInput): Promise<PreStopReport | undefined> {
  const { maxMs, quietMs, sources, force, originMs } = input;
  if (!(maxMs > 0)) return undefined;
  const start = performance.now();
  const end = start + maxMs;
  const report = (reason: PreStopReport['reason'], extra: Partial<PreStopReport> = {}): PreStopReport => ({
    durationMs: performance.now() - start,
    reason: force.aborted ? 'forced' : reason,
    ...extra,
  });
  if (sources.length === 0) {
    await waitForTimeout(maxMs, force, true);
    return report('no-server');
  }
  const gap = Math.max(0, ...sources.map((s) => s.largestGap(start, GAP_LOOKBACK_MS)));
  const quiet = Math.max(quietMs, PRE_STOP_GAP_FACTOR * gap);
  const lastArrival = (): number => Math.max(start, ...sources.map((s) => s.lastArrival() ?? start));
  for (;;) {
    const last = lastArrival();
    const now = performance.now();
    const extra = { quietMs: quiet, ...(last > start ? { lastArrivalMs: last - originMs } : {}) };
    if (force.aborted) return report('forced', extra);
    if (now >= last + quiet) {
      // A stalled process (GC, CPU throttling) wakes with requests waiting in the accept queue: let the
      // loop accept and parse them (two turns: accept, then read) before calling the silence quiet.
      await waitForIoTurns(2);
      if (lastArrival() === last) return report('quiet', extra);
      continue;
    }
    if (now >= end) return report('maximum', extra);
    // Ref'd: the shutdown is awaiting it. Each wake-up re-reads the last arrival.
    await waitForTimeout(Math.min(last + quiet, end) - now, force, true);
  }
}

function waitForIoTurns(turns: number): Promise<void> {
  return new Promise((resolve) => {
    const turn = (left: number): void => void (left === 0 ? resolve() : setImmediate(turn, left - 1));
    turn(turns);
  });
}
