import { InvalidOptionError, ReadinessTimeoutError } from '../errors.js';
import { onLines } from '../internal/lines.js';
import { setLongTimeout } from '../internal/long-timer.js';
import type { ManagedChild } from './managed-child.js';
import type { NormalizedSuperviseOptions } from './supervise-options.js';

type Readiness = NonNullable<NormalizedSuperviseOptions['readiness']>;

/**
 * Watches one child for its readiness line or message. Calls `onReady` once, or `onFailure` at the
 * timeout. Returns a function that stops watching. Once stopped, stdout stays in flowing mode, so a
 * child whose output nobody else reads can never block on a full pipe.
 */
export function watchReadiness(
  child: ManagedChild,
  readiness: Readiness,
  onReady: () => void,
  onFailure: (error: Error) => void,
): () => void {
  const stdout = child.stdout;
  if (readiness.stdout && !stdout) {
    onFailure(new InvalidOptionError('readiness.stdout', 'a child spawned with stdout "pipe"', 'no stdout pipe'));
    return () => {};
  }
  const onLine = (line: string): void => {
    if (readiness.stdout?.test(line) === true) finish(onReady);
  };
  const onMessage = (message: unknown): void => {
    const type = message !== null && typeof message === 'object' ? (message as { type?: unknown }).type : undefined;
    if (message === readiness.message || type === readiness.message) finish(onReady);
  };
  const timer = setLongTimeout(
    () => finish(() => onFailure(new ReadinessTimeoutError(child.pid, readiness.timeoutMs))),
    readiness.timeoutMs,
  );
  const stopLines = readiness.stdout && stdout ? onLines(stdout, onLine) : () => {};
  if (!readiness.stdout) child.process.on('message', onMessage);

  let done = false;
  function stop(): void {
    done = true;
    timer.clear();
    stopLines();
    child.process.off('message', onMessage);
  }
  function finish(then: () => void): void {
    if (done) return;
    stop();
    then();
  }
  return stop;
}
