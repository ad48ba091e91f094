import { ServerResponse } from 'node:http';
import type { Http2Session } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';

import type { RequestCounts } from '../core/types.js';
import { ArrivalLog } from './arrivals.js';
import {
  currentResponse,
  lastResponse,
  markClose,
  type ResponseSocket,
  type TrackedResponse,
} from './connection-close.js';
import { afterBodyEnds, type IncomingLike, incomingOf } from './request-body.js';
import type { ServerKind } from './server-kind.js';

export type { TrackedResponse } from './connection-close.js';

export const kLastActiveAt = Symbol('lastcall.lastActiveAt');

/** An HTTP/1 socket (a TLS socket for https) with what the tracker remembers about it. */
export interface TrackedSocket extends ResponseSocket {
  /** performance.now() when it was accepted, or when its last request arrived. */
  [kLastActiveAt]?: number;
}

/**
 * Follows a server's connections with a few listeners attached once: nothing runs per request
 * before drain but a timestamp and a pipelining check (the `http-overhead` bench holds it to
 * ≥ 0.97× bare node:http). Requests in flight when drain begins are found on their sockets;
 * later ones are tracked as they come.
 */
export class ConnectionTracker {
  /** Every accepted TCP connection, from 'connection' to its 'close': what "open" means. */
  readonly accepted = new Set<Socket>();
  /** Accepted TLS connections whose handshake has not completed. */
  readonly handshaking = new Set<Socket>();
  /** HTTP/1 connections (TLS sockets for https), upgraded ones excluded. */
  readonly sockets = new Set<TrackedSocket>();
  /** Those of them no request has arrived on yet: Node's `closeIdleConnections` counts them as busy. */
  readonly fresh = new Set<TrackedSocket>();
  readonly sessions = new Set<Http2Session>();
  /** The TCP sockets of upgraded connections (WebSocket, CONNECT). */
  readonly upgraded = new Set<Socket>();
  /** Responses not finished: every one during drain; before it, HTTP/2 and pipelined ones. */
  readonly responses = new Set<TrackedResponse>();
  readonly keepAliveAtDrain = new WeakSet<TrackedResponse>();
  /** drain() was called: connections accepted from now on (the accept queue) answer with `Connection: close`. */
  stopping = false;
  /** The listener is closed and the drain proper has begun. */
  draining = false;
  /** The server emitted 'close': its listener is closed and Node counts no connection open. */
  serverClosed = false;
  /** During drain, how long a socket a client may be reusing (or just opened) stays open. */
  reuseGraceMs = 0;
  /** performance.now() until which idle sockets are kept for such a client; one value, O(1). */
  graceUntil = 0;
  /** Connections accepted so far (drain watches it to empty the kernel's accept queue). */
  acceptedCount = 0;
  /** Request arrivals, for the pre-stop's traffic watch. */
  readonly arrivals = new ArrivalLog();
  /** Upgraded sockets destroyed because they outlived `upgradedGraceMs`. */
  upgradedDestroyed = 0;
  /** Of the upgraded sockets, WebSockets: the stream their frames go on (the TLS socket for wss). */
  readonly websockets = new Map<Socket, Duplex>();
  /** Responses that closed once drain() was called (the report's `requests`). */
  readonly counts: RequestCounts = { answered: 0, serverErrors: 0, lost: 0, cut: 0 };
  #statuses = new Set<number>();
  readonly #counted = new WeakSet<TrackedResponse>();
  /** beginStopping() walked the sockets. */
  #scanned = false;
  /** Latest use of a socket idle when drain() was called, or of any socket used since. */
  #activeAt = -Infinity;
  /** Tracks a connection accepted before the tracker was attached (handed over by the core). */
  accept: (socket: Socket) => void = () => {};
  /** Called during drain when something it waits for went away; `responsesDone`: none in flight. */
  onSettle: ((responsesDone: boolean) => void) | undefined;
  readonly onResponseClose: (this: TrackedResponse) => void;
  /** Moves the tracker's request listeners in front of the app's (so `Connection: close` comes first);
   * set by trackConnections() when it attaches them. */
  listenFirst: () => void = () => {};

  constructor(
    readonly server: NetServer,
    readonly kind: ServerKind,
  ) {
    this.onResponseClose = responseCloseListener(this);
  }

  /** Counts a response that closed during drain: answered (and its status) or cut. */
  countClosed(res: TrackedResponse): void {
    if (!this.stopping || this.#counted.has(res)) return;
    this.#counted.add(res);
    const counts = this.counts;
    if (res.writableFinished !== true) {
      counts.cut++;
      return;
    }
    counts.answered++;
    const status = res.statusCode ?? 200;
    if (status < 500) return;
    counts.serverErrors++;
    if (status !== 503) counts.lost++;
    counts.firstServerErrorAt ??= performance.now();
    this.#statuses.add(status);
    if (this.#statuses.size === 1) counts.serverErrorStatus = status;
    else delete counts.serverErrorStatus;
  }

  /** Open connections. Once the server says it has none, the sockets still in `accepted` are
   * destroyed (their fds closed) and only their 'close' callbacks are pending: not waited for. */
  get connections(): number {
    return this.serverClosed ? 0 : this.accepted.size;
  }

  /** No connection is open, but for upgraded ones when `exceptUpgraded` (left to close()). */
  allClosed(exceptUpgraded = false): boolean {
    return this.serverClosed || this.accepted.size === (exceptUpgraded ? this.upgraded.size : 0);
  }

  /** Requests whose response is not finished: tracked ones, and those on HTTP/1 sockets. */
  get inFlight(): number {
    return this.inFlightResponses().size;
  }

  inFlightResponses(): Set<TrackedResponse> {
    // Once drain() walked the sockets, every request is tracked as it comes: no pass over them all.
    if (this.#scanned) return new Set(this.responses);
    const seen = new Set(this.responses);
    for (const socket of this.sockets) {
      const res = currentResponse(socket);
      if (res !== undefined) seen.add(res);
    }
    return seen;
  }

  /** close() is destroying these: counted as cut now (their 'close' comes after the report is built). */
  countCut(responses: Iterable<TrackedResponse>): void {
    for (const res of responses) {
      if (this.#counted.has(res) || res.writableFinished === true) continue;
      this.#counted.add(res);
      this.counts.cut++;
    }
  }

  /** Tracks a response until its 'close'. */
  track(res: TrackedResponse): void {
    if (this.responses.has(res)) return;
    this.responses.add(res);
    res.on('close', this.onResponseClose);
  }

  /** Drain looks again when the body of an answered request has arrived (see afterBodyEnds). */
  settleAfterBody(req: IncomingLike | undefined): void {
    afterBodyEnds(req, () => this.onSettle?.(this.responses.size === 0));
  }

  /** Keeps idle sockets open reuseGraceMs from now: a client may be (re)using one right now. */
  extendGrace(): void {
    if (this.draining) this.graceUntil = performance.now() + this.reuseGraceMs;
  }

  /**
   * drain() was called: one pass over the sockets tracks every response in flight (counted from
   * now, those finishing before the listener closes too) and notes when the idle ones were last
   * used. From then on requests are tracked as they come (noteActive), so that startDraining()
   * walks the responses in flight, not every socket again.
   */
  beginStopping(): void {
    this.stopping = true;
    if (this.#scanned) return;
    this.#scanned = true;
    for (const socket of this.sockets) {
      const res = currentResponse(socket);
      if (res !== undefined) {
        this.track(res);
        continue;
      }
      this.noteActive(socket[kLastActiveAt]);
      this.settleAfterBody(incomingOf(socket)); // answered, its body still arriving
    }
  }

  /** A socket was used (accepted, a request, a response ended) after beginStopping(): it may be idle at the drain. */
  noteActive(at: number | undefined): void {
    if (at !== undefined && at > this.#activeAt) this.#activeAt = at;
  }

  /**
   * Drain begins: every response in flight is tracked and the last one on each socket gets
   * `Connection: close`; keep-alive responses already started, sockets used or accepted within
   * the grace, and TLS handshakes in progress keep idle sockets open for the grace: closing under
   * a client that is sending its request would reset it. A socket used since drain() counts as
   * recent even if busy now: erring on the side of the grace.
   */
  startDraining(reuseGraceMs: number): void {
    this.beginStopping();
    this.draining = true;
    this.reuseGraceMs = reuseGraceMs;
    const recent = this.handshaking.size > 0 || performance.now() - this.#activeAt < reuseGraceMs;
    for (const res of this.responses) {
      // HTTP/1 ones being written.
      const socket = http1Socket(res);
      if (socket === undefined || currentResponse(socket) !== res) continue;
      if (res.headersSent) this.keepAliveAtDrain.add(res);
      const last = lastResponse(socket);
      if (last !== undefined) markClose(last);
    }
    if (recent) this.extendGrace();
    this.listenFirst();
  }
}

/** An HTTP/1 response's socket (an HTTP/2 stream's is a proxy that throws once the stream is gone). */
function http1Socket(res: TrackedResponse): TrackedSocket | undefined {
  if (!(res instanceof ServerResponse)) return undefined;
  return ((res as TrackedResponse).req?.socket ?? undefined) as TrackedSocket | undefined;
}

function responseCloseListener(tracker: ConnectionTracker): (this: TrackedResponse) => void {
  return function onResponseClose(this: TrackedResponse): void {
    tracker.responses.delete(this);
    // Its socket may be idle when the drain begins: as recent as its request.
    if (tracker.stopping && !tracker.draining) tracker.noteActive(http1Socket(this)?.[kLastActiveAt]);
    tracker.countClosed(this);
    if (tracker.keepAliveAtDrain.has(this)) tracker.extendGrace();
    tracker.settleAfterBody(this.req as IncomingLike | undefined);
    tracker.onSettle?.(tracker.responses.size === 0);
  };
}
