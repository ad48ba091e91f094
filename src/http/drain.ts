import { AbortedError } from '../errors.js';
import { stopListening } from './stop-listening.js';
import { type ConnectionTracker, markClose } from './tracker.js';

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
): Promise<void> {
  tracker.draining = true;
  stopListening(tracker.server);
  for (const res of tracker.responses) markClose(res);
  for (const session of tracker.sessions) session.close();

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      if (tracker.onSettle === check) tracker.onSettle = undefined;
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new AbortedError('HTTP drain', error));
    };
    const onAbort = (): void => finish(new AbortedError('HTTP drain', signal?.reason));
    const check = (responsesDone: boolean): void => {
      if (responsesDone) closeIdle(tracker);
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
 * Ends the sockets that carry no request: none in flight, none partly received. For HTTP/1
 * servers Node's own parser state decides (`closeIdleConnections`); a request whose bytes
 * have arrived is left to complete, and its response closes the socket.
 */
export function closeIdle(tracker: ConnectionTracker): void {
  const server = tracker.server as { closeIdleConnections?: () => void };
  if (tracker.kind === 'http1' && typeof server.closeIdleConnections === 'function') {
    server.closeIdleConnections();
    // Node counts a connection that never sent a byte as busy (its headers timer runs): not us.
    for (const socket of tracker.sockets) if (socket.bytesRead === 0) socket.destroy();
    return;
  }
  // HTTP/1 sockets of an http2 server (allowHTTP1): only called with nothing in flight.
  if (tracker.responses.size > 0) return;
  for (const socket of tracker.sockets) socket.destroySoon();
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
