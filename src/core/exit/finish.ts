import { performance } from 'node:perf_hooks';

import { messageOf } from '../../internal/describe.js';
import { waitForSettled, waitForTimeout } from '../../internal/wait.js';
import type { InternalLogger } from '../logger.js';
import type { OnReport, ShutdownReport } from '../types.js';
import { waitForExitRequest } from './exit-guard.js';
import type { Watchdog } from './watchdog.js';

const MAX_FLUSH_MS = 1_000;
/** onReport ends this long before the deadline, leaving time to flush the logs and exit. */
const FLUSH_RESERVE_MS = 50;

/** A lifecycle whose report is final. */
export interface FinishedShutdown {
  report: ShutdownReport;
  logger: InternalLogger;
  /** performance.now() at which this shutdown's deadline ends. */
  deadlineEnd: number;
  watchdog: Watchdog | undefined;
  onReport: OnReport | undefined;
}

/** Calls `onReport` and waits for it within what is left of the deadline; never rejects. */
export async function waitForOnReport({ report, logger, deadlineEnd, onReport }: FinishedShutdown): Promise<void> {
  if (!onReport || report.outcome === 'forced') return;
  const boundMs = deadlineEnd - FLUSH_RESERVE_MS - performance.now();
  if (boundMs <= 0) return logger.log('warn', {}, 'onReport not called: no time left of the deadline');
  const controller = new AbortController();
  const failed = (error: unknown): void => logger.log('error', { err: error }, `onReport failed: ${messageOf(error)}`);
  // A process.exit() from onReport (held until now) ends the wait at the call, as for a hook: watched
  // from before the call, so that one made in its synchronous part counts too.
  const exitAsked = new AbortController();
  const exited = waitForExitRequest(undefined, exitAsked.signal);
  let result: unknown;
  try {
    result = onReport(report, controller.signal);
  } catch (error) {
    exitAsked.abort();
    return failed(error);
  }
  const shipped = Promise.race([Promise.resolve(result).catch(failed), exited]);
  // Ref'd: the exit waits for the shipping, bounded, even when nothing else holds the loop open.
  const settled = await waitForSettled(shipped, boundMs, undefined, true);
  exitAsked.abort();
  if (settled) return;
  controller.abort(new Error('onReport ran out of deadline'));
  logger.log('warn', {}, `onReport did not finish within the ${Math.round(boundMs)} ms left of the deadline`);
}

/**
 * Flushes every logger, stdout and stderr, bounded by what is left of the latest deadline (never
 * past it: the watchdog stood down or was told the final code), then exits with `exitCode`.
 */
export async function waitForFlush(finished: readonly FinishedShutdown[]): Promise<void> {
  if (finished.some(({ report }) => report.outcome === 'forced')) return;
  const deadlineEnd = Math.max(...finished.map((done) => done.deadlineEnd));
  const boundMs = Math.min(MAX_FLUSH_MS, deadlineEnd - performance.now());
  if (boundMs <= 0) return;
  const flushed = Promise.all([
    ...finished.map(({ logger }) => new Promise<void>((resolve) => logger.flush(resolve))),
    waitForDrain(process.stdout),
    waitForDrain(process.stderr),
  ]);
  await Promise.race([flushed, waitForTimeout(boundMs)]);
}

function waitForDrain(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}
