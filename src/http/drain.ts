import { performance } from 'node:perf_hooks';
import { AbortedError } from '../errors.js';
import { stopListening } from './stop-listening.js';
import { type ConnectionTracker, currentResponse, latestGrace } from './tracker.js';

export type UpgradedCloser = (signal: AbortSignal) => unknown;

/**
 * Drains a tracked server: stop accepting; every response not yet started gets `Connection: close`;
 * HTTP/2 sessions get GOAWAY; upgraded sockets are handed to `onUpgraded`. Idle keep-alive sockets
 * stay open while requests are in flight (a request a client sends on one is answered, with
 * `Connection: close`), and are ended with FIN once nothing is in flight. Resolves when every
 * request is answered and every connection is gone; rejects when `signal` aborts first.
 */
export function drainTracked(
  tracker: ConnectionTracker,
  signal: AbortSignal | undefined,
  onUpgraded: UpgradedCloser | undefined,
  reuseGraceMs: number,
): Promise<void> {
  tracker.startDraining(reuseGraceMs);
  stopListening(tracker.server);
  for (const session of tracker.sessions) session.close();

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (tracker.onSettle === check) tracker.onSettle = undefined;
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new AbortedError('HTTP drain', error));
    };
    const onAbort = (): void => finish(new AbortedError('HTTP drain', signal?.reason));
    let timer: NodeJS.Timeout | undefined;
    const check = (responsesDone: boolean): void => {
      if (responsesDone) {
        clearTimeout(timer);
        const nextMs = closeIdle(tracker);
        if (nextMs > 0) timer = setTimeout(() => check(tracker.responses.size === 0), nextMs + 1).unref();
      }
      if (isDrained(tracker, onUpgraded !== undefined)) finish();
    };

    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    tracker.onSettle = check;
    if (onUpgraded !== undefined) runCloser(onUpgraded, signal, finish);
    check(tracker.responses.size === 0);
  });
}

function isDrained(tracker: ConnectionTracker, waitForUpgraded: boolean): boolean {
  return (
    tracker.responses.size === 0 &&
    tracker.sockets.size === 0 &&
    tracker.sessions.size === 0 &&
    (!waitForUpgraded || tracker.upgraded.size === 0)
  );
}

/**
 * Ends (FIN) the sockets that carry no request: none in flight (only called then), none partly
 * received (Node's parser state decides, as in `closeIdleConnections`; a connection that never
 * sent a byte counts as idle too). A request whose bytes have arrived is left to complete, and its
 * `Connection: close` response ends the socket. While a socket whose keep-alive response just
 * finished is in its reuse grace, nothing is ended (unless `ignoreGrace`). Returns the ms until
 * the grace ends (0: swept now).
 */
export function closeIdle(tracker: ConnectionTracker, ignoreGrace = false): number {
  const waitMs = ignoreGrace ? 0 : latestGrace(tracker) - performance.now();
  if (waitMs > 0) return waitMs;
  // destroy() on a socket with nothing unread sends FIN; a request crossing it gets RST,
  // which clients may safely retry (it never ran), unlike a FIN after which it would run unanswered.
  const server = tracker.server as { closeIdleConnections?: () => void };
  if (tracker.kind === 'http1' && typeof server.closeIdleConnections === 'function') {
    server.closeIdleConnections();
    for (const socket of tracker.sockets) {
      if (socket.bytesRead === 0 && currentResponse(socket) === undefined) socket.destroy();
    }
  } else if (tracker.responses.size === 0) {
    // HTTP/1 sockets of an http2 server (allowHTTP1): Node keeps no parser list for them.
    for (const socket of tracker.sockets) socket.destroySoon();
  }
  return 0;
}

function runCloser(closer: UpgradedCloser, signal: AbortSignal | undefined, fail: (error: unknown) => void): void {
  let result: unknown;
  try {
    result = closer(signal ?? new AbortController().signal);
  } catch (error) {
    fail(error);
    return;
  }
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as PromiseLike<unknown>).then(undefined, fail);
  }
}
