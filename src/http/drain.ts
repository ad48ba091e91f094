import { performance } from 'node:perf_hooks';

import { AbortedError } from '../errors.js';
import { type LongTimer, setLongTimeout } from '../internal/long-timer.js';
import { currentResponse } from './connection-close.js';
import type { ConnectionTracker } from './connection-tracker.js';
import { isInheritedListener } from './inherited-sockets.js';
import { stopListening } from './stop-listening.js';
import { destroyUpgraded, refuseUpgrades } from './upgrades.js';

const ACCEPT_QUEUE_MAX_MS = 500;

export type UpgradedCloser = (signal: AbortSignal) => unknown;

export interface DrainOptions {
  onUpgraded: UpgradedCloser | undefined;
  reuseGraceMs: number;
  upgradedGraceMs: number;
}

/**
 * Drains a tracked server: accept what the kernel already queued, then stop accepting; every
 * response not yet started gets `Connection: close` (the last one of a pipelined series only);
 * HTTP/2 sessions get GOAWAY; new upgrades are refused; upgraded sockets are handed to
 * `onUpgraded`, and destroyed if still open `upgradedGraceMs` later. Idle keep-alive sockets
 * stay open while requests are in flight (a request a client sends on one is answered, with
 * `Connection: close`), and are ended with FIN once nothing is in flight. Resolves when every
 * request is answered and every connection is gone; rejects when `signal` aborts first.
 */
export function drainTracked(
  tracker: ConnectionTracker,
  signal: AbortSignal | undefined,
  options: DrainOptions,
): Promise<void> {
  const { onUpgraded } = options;
  // Counted from now (the report's `requests`): those finishing before the listener closes too.
  tracker.beginStopping();

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let timer: LongTimer | undefined;
    let upgradedTimer: LongTimer | undefined;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      timer?.clear();
      upgradedTimer?.clear();
      if (tracker.onSettle === check) tracker.onSettle = undefined;
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new AbortedError('HTTP drain', error));
    };
    const onAbort = (): void => finish(new AbortedError('HTTP drain', signal?.reason));
    let sweepPending = false;
    // The sweep runs after the next poll phase: data already in the kernel (a request on a socket
    // just accepted, or sent while the event loop was busy) is read first, so its socket is not idle.
    // Then from a timer: sockets destroyed in the timers phase let a shutdown that ends with the
    // drain reach its exit in the same loop iteration, before libuv runs their close callbacks
    // (~5 µs each). Both ref'd: an unref'd one does not stop that poll from blocking.
    const sweep = (): void => {
      sweepPending = false;
      if (settled) return;
      // Swept: what is left waits for its own event (a response's or a connection's close), never
      // for another sweep at once, which would spin the loop while a request is still arriving.
      if (tracker.responses.size > 0 || tracker.graceUntil > performance.now())
        return check(tracker.responses.size === 0);
      sweepIdle(tracker);
      if (isDrained(tracker, onUpgraded !== undefined)) finish();
    };
    const sweepSoon = (): void => {
      if (sweepPending) return;
      sweepPending = true;
      setImmediate(() => setTimeout(sweep, 0));
    };
    const check = (responsesDone: boolean): void => {
      if (responsesDone) {
        timer?.clear();
        const graceMs = tracker.graceUntil - performance.now();
        if (graceMs > 0) timer = setLongTimeout(() => check(tracker.responses.size === 0), graceMs + 1);
        else sweepSoon();
      }
      if (isDrained(tracker, onUpgraded !== undefined)) finish();
    };

    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    // Keep-alive sockets are left alone meanwhile: a `Connection: close` now would only send
    // their clients into the accept queue, which would then never run dry.
    // On an inherited socket (lastcall run --listen, systemd) queued connections are not reset when
    // this process closes its copy: they wait for the socket's next holder, so stop accepting now.
    const queued = isInheritedListener(tracker.server) ? Promise.resolve() : waitForAcceptQueue(tracker);
    void queued.then(() => {
      if (settled) return;
      stopListening(tracker.server);
      tracker.startDraining(options.reuseGraceMs);
      refuseUpgrades(tracker);
      for (const session of tracker.sessions) session.close();
      tracker.onSettle = check;
      if (onUpgraded !== undefined) {
        runCloser(onUpgraded, signal, finish);
        upgradedTimer = setLongTimeout(() => {
          tracker.upgradedDestroyed += destroyUpgraded(tracker);
          check(false);
        }, options.upgradedGraceMs);
      }
      check(tracker.responses.size === 0);
    });
  });
}

/**
 * Keeps the listener open while the event loop still accepts queued connections (libuv accepts
 * one per poll): those already in the kernel's accept queue are accepted and served, with
 * `Connection: close`, where closing the listening socket would reset them, requests and all.
 * Ends at the first poll that accepts nothing, or after ACCEPT_QUEUE_MAX_MS under a steady stream.
 */
function waitForAcceptQueue(tracker: ConnectionTracker): Promise<void> {
  const endAt = performance.now() + ACCEPT_QUEUE_MAX_MS;
  return new Promise((resolve) => {
    let seen = -1;
    const poll = (): void => {
      if (tracker.acceptedCount === seen || performance.now() > endAt) return resolve();
      seen = tracker.acceptedCount;
      setImmediate(poll); // the next check phase comes after one more poll phase
    };
    setImmediate(poll);
  });
}

function isDrained(tracker: ConnectionTracker, waitForUpgraded: boolean): boolean {
  // Every accepted connection is gone; upgraded ones are left to close() without `onUpgraded`.
  return tracker.responses.size === 0 && tracker.allClosed(!waitForUpgraded);
}

/**
 * Ends (FIN) the connections that carry no request: only called when none is in flight and the
 * reuse grace is over. Idle means not partly received (Node's parser state decides, as in
 * `closeIdleConnections`; a connection that never sent a byte counts as idle too), or a TLS
 * handshake still in progress. A request whose bytes have arrived is left to complete, and its
 * `Connection: close` response ends the socket.
 */
export function sweepIdle(tracker: ConnectionTracker): void {
  for (const socket of tracker.handshaking) socket.destroy();
  // destroy() on a socket with nothing unread sends FIN; a request crossing it gets RST,
  // which clients may safely retry (it never ran), unlike a FIN after which it would run unanswered.
  const server = tracker.server as { closeIdleConnections?: () => void };
  if (tracker.kind === 'http1' && typeof server.closeIdleConnections === 'function') {
    server.closeIdleConnections();
    // The others had a request: Node judged them above. No pass over every socket here.
    for (const socket of tracker.fresh) {
      if (socket.bytesRead === 0 && currentResponse(socket) === undefined) socket.destroy();
    }
  } else if (tracker.responses.size === 0) {
    // HTTP/1 sockets of an http2 server (allowHTTP1): Node keeps no parser list for them.
    for (const socket of tracker.sockets) socket.destroySoon();
  }
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
