import { HttpForcedCloseError } from '../errors.js';
import type { ConnectionTracker } from './connection-tracker.js';
import { sweepIdle } from './drain.js';
import { stopListening } from './stop-listening.js';
import { destroyUpgraded } from './upgrades.js';

/**
 * Closes a tracked server for good: idle sockets are ended as in drain, everything else is
 * destroyed. Rejects with `ERR_HTTP_FORCED_CLOSE` (counts of requests and sockets) when anything
 * had to be forced, so the report shows the step failed and why.
 */
export async function closeTracked(tracker: ConnectionTracker, signal: AbortSignal | undefined): Promise<void> {
  // The server emitted 'close' (and was not listened again): every connection was destroyed, only
  // their 'close' callbacks are pending. Nothing is left to end or force: no pass over them all.
  if (tracker.serverClosed && !tracker.server.listening) return;
  if (!tracker.draining) tracker.startDraining(0);
  stopListening(tracker.server);
  sweepIdle(tracker);

  const inFlight = tracker.inFlightResponses();
  const requests = inFlight.size;
  tracker.countCut(inFlight);
  let sockets = 0;
  for (const socket of tracker.sockets) {
    // Sockets already ended (Connection: close sent, or idle and closed above) were not forced.
    if (!socket.destroyed && !socket.writableEnded) sockets++;
    socket.destroy();
  }
  for (const session of tracker.sessions) {
    if (!session.destroyed) sockets++;
    session.destroy();
  }
  sockets += destroyUpgraded(tracker);
  // Anything else still open (TLS handshakes were ended above, as idle sockets are).
  for (const socket of tracker.accepted) socket.destroy();
  // Connections accepted before httpServer() was called are not tracked; Node knows them.
  (tracker.server as { closeAllConnections?: () => void }).closeAllConnections?.();

  await waitForConnectionsGone(tracker, signal);
  if (requests > 0 || sockets > 0) throw new HttpForcedCloseError(requests, sockets);
}

/** Destroyed sockets report 'close' a tick later; wait for that so the process may exit. */
function waitForConnectionsGone(tracker: ConnectionTracker, signal: AbortSignal | undefined): Promise<void> {
  if (tracker.allClosed() || signal?.aborted) return Promise.resolve();
  // A drain still waiting (standalone use: drain() without a signal, then close()) keeps
  // listening, and settles once the destroyed connections are gone.
  const previous = tracker.onSettle;
  return new Promise<void>((resolve) => {
    const done = (): void => {
      if (tracker.onSettle === onSettle) tracker.onSettle = previous;
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const onSettle = (responsesDone: boolean): void => {
      previous?.(responsesDone);
      if (tracker.allClosed()) done();
    };
    tracker.onSettle = onSettle;
    signal?.addEventListener('abort', done, { once: true });
  });
}
