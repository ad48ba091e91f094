import { performance } from 'node:perf_hooks';
import type { InternalLogger } from './logger.js';
import type { ShutdownReport } from './types.js';
import { waitForTimeout } from './wait.js';

const MIN_FLUSH_MS = 50;
const MAX_FLUSH_MS = 1_000;

/** Flushes the logger, stdout and stderr (bounded), then exits with the report's code. */
export async function waitForExit(
  report: ShutdownReport,
  logger: InternalLogger,
  deadlineEnd: number,
  dispose: () => void,
): Promise<void> {
  // Should the event loop run dry while flushing, Node exits on its own: with this code.
  process.exitCode = report.exitCode;
  if (report.outcome !== 'forced') {
    const boundMs = Math.min(MAX_FLUSH_MS, Math.max(MIN_FLUSH_MS, deadlineEnd - performance.now()));
    const flushed = Promise.all([
      new Promise<void>((resolve) => logger.flush(resolve)),
      waitForDrain(process.stdout),
      waitForDrain(process.stderr),
    ]);
    await Promise.race([flushed, waitForTimeout(boundMs)]);
  }
  dispose();
  process.exit(report.exitCode);
}

function waitForDrain(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}
