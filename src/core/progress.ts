import { performance } from 'node:perf_hooks';
import type { InternalLogger } from './logger.js';

/** A shutdown still running after this long logs what it waits for, and again at each interval. */
export const PROGRESS_INTERVAL_MS = 2_000;
const MAX_NAMED = 10;

/**
 * Logs one progress line per interval while a shutdown runs, naming what is still open
 * (`describe` returns undefined when nothing is). Returns the function that stops it.
 */
export function startProgress(logger: InternalLogger, originMs: number, describe: () => string | undefined): () => void {
  const timer = setInterval(() => {
    const open = describe();
    if (open) logger.log('info', {}, `still waiting after ${Math.round((performance.now() - originMs) / 1000)} s: ${open}`);
  }, PROGRESS_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** "cache (close), 3 tracked in flight", or undefined when nothing is open. */
export function describeOpen(running: Iterable<string>, pendingWork: number): string | undefined {
  const steps = [...running];
  const open = steps.slice(0, MAX_NAMED);
  if (steps.length > MAX_NAMED) open.push(`${steps.length - MAX_NAMED} more steps`);
  if (pendingWork > 0) open.push(`${pendingWork} tracked in flight`);
  return open.length > 0 ? open.join(', ') : undefined;
}
