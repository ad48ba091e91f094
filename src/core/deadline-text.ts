import type { DeadlineSource } from './deadline-source.js';
import type { PreStopReport } from './types.js';

/** "deadline 9000 ms from docker (/.dockerenv: 10000 ms grace − 1000 ms margin)", for reports read by people. */
export function describeDeadline(deadlineMs: number, source: Partial<DeadlineSource> | undefined): string {
  const base = `deadline ${Math.round(deadlineMs)} ms`;
  if (!source || typeof source.source !== 'string') return base;
  const grace =
    typeof source.platformMs === 'number'
      ? `: ${Math.round(source.platformMs)} ms grace − ${Math.round(source.marginMs ?? 0)} ms margin`
      : '';
  const detail = source.detail || grace ? ` (${[source.detail, grace.slice(2)].filter(Boolean).join(': ')})` : '';
  return `${base} from ${source.source}${detail}`;
}

/** "pre-stop 612 ms, ended: quiet (500 ms window)". */
export function describePreStop(preStop: Partial<PreStopReport> | undefined): string | undefined {
  if (!preStop || typeof preStop.durationMs !== 'number') return undefined;
  const window =
    typeof preStop.quietMs === 'number' && Number.isFinite(preStop.quietMs)
      ? ` (${Math.round(preStop.quietMs)} ms window)`
      : '';
  return `pre-stop ${Math.round(preStop.durationMs)} ms, ended: ${preStop.reason ?? '?'}${window}`;
}
