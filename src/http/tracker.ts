import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Http2Session } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { ServerKind } from './server-kind.js';

/** What the tracker needs from a response of either protocol. */
export interface TrackedResponse {
  readonly headersSent: boolean;
  /** The request (Node >= 15.7); its socket for HTTP/1. */
  readonly req?: { readonly socket?: unknown };
  setHeader(name: string, value: string): unknown;
  on(event: 'close', listener: () => void): unknown;
}

const kGraceUntil = Symbol('lastcall.graceUntil');
const kLastRequestAt = Symbol('lastcall.lastRequestAt');

/** An HTTP/1 socket with what the tracker remembers about it. */
export interface TrackedSocket extends Socket {
  /** During drain: a keep-alive response just finished here, the client may reuse it until then. */
  [kGraceUntil]?: number;
  /** performance.now() when the last request on this socket arrived. */
  [kLastRequestAt]?: number;
  /** Node's response being written on this socket, if any (how Node's own closeIdleConnections sees it). */
  _httpMessage?: TrackedResponse | null;
}

/** The response being written on an HTTP/1 socket, if any. */
export function currentResponse(socket: TrackedSocket): TrackedResponse | undefined {
  return socket._httpMessage ?? undefined;
}

/** The latest time (performance.now()) until which a socket is kept for reuse; 0: none. */
export function latestGrace(tracker: ConnectionTracker): number {
  let latest = 0;
  for (const socket of tracker.sockets) latest = Math.max(latest, socket[kGraceUntil] ?? 0);
  return latest;
}

type RequestLike = Pick<IncomingMessage, 'socket' | 'httpVersionMajor'>;
const UPGRADE_EVENTS = ['upgrade', 'connect'] as const;

/**
 * Follows a server's connections with a few listeners attached once: nothing runs per request
 * before drain (the `http-overhead` bench holds it to ≥ 0.97× bare node:http). Requests in flight
 * when drain begins are found on their sockets; later ones are tracked as they come.
 */
export class ConnectionTracker {
  /** HTTP/1 connections (TLS sockets for https), upgraded ones excluded. */
  readonly sockets = new Set<TrackedSocket>();
  readonly sessions = new Set<Http2Session>();
  readonly upgraded = new Set<Duplex>();
  /** During drain: responses not finished yet. Before drain: HTTP/2 responses only. */
  readonly responses = new Set<TrackedResponse>();
  draining = false;
  /** During drain, how long a socket whose keep-alive response just finished stays open. */
  reuseGraceMs = 0;
  /** Called during drain when something it waits for went away; `responsesDone`: none in flight. */
  onSettle: ((responsesDone: boolean) => void) | undefined;

  constructor(
    readonly server: NetServer,
    readonly kind: ServerKind,
  ) {
    attachListeners(this);
  }

  get connections(): number {
    return this.sockets.size + this.sessions.size + this.upgraded.size;
  }

  /** Requests whose response is not finished: tracked ones, and those on HTTP/1 sockets. */
  get inFlight(): number {
    const seen = new Set(this.responses);
    for (const socket of this.sockets) {
      const res = currentResponse(socket);
      if (res !== undefined) seen.add(res);
    }
    return seen.size;
  }

  /** Tracks a response until its 'close'; during drain it gets `Connection: close`. */
  track(res: TrackedResponse): void {
    if (this.responses.has(res)) return;
    this.responses.add(res);
    res.on('close', this.onResponseClose);
  }

  /**
   * Drain begins: every response in flight is tracked; sockets already past their headers get a
   * reuse grace, and so do idle sockets used within the grace: their client may be sending its next
   * request right now, and closing under it would reset that request.
   */
  startDraining(reuseGraceMs: number): void {
    this.draining = true;
    this.reuseGraceMs = reuseGraceMs;
    const now = performance.now();
    for (const socket of this.sockets) {
      const res = currentResponse(socket);
      if (res === undefined) {
        if (now - (socket[kLastRequestAt] ?? -Infinity) < reuseGraceMs) socket[kGraceUntil] = now + reuseGraceMs;
        continue;
      }
      if (res.headersSent) this.keepAliveAtDrain.add(res);
      this.track(res);
    }
    for (const res of this.responses) markClose(res);
    if (this.kind !== 'http2') this.server.prependListener('request', this.onRequest);
  }

  readonly keepAliveAtDrain = new WeakSet<TrackedResponse>();
  onResponseClose: (this: TrackedResponse) => void = () => {};
  onRequest: (req: RequestLike, res: TrackedResponse) => void = () => {};
}

function attachListeners(tracker: ConnectionTracker): void {
  const { server, kind } = tracker;
  tracker.onResponseClose = function onResponseClose(this: TrackedResponse): void {
    tracker.responses.delete(this);
    if (tracker.keepAliveAtDrain.has(this)) {
      const socket = this.req?.socket as TrackedSocket | undefined;
      if (socket !== undefined) socket[kGraceUntil] = performance.now() + tracker.reuseGraceMs;
    }
    if (tracker.onSettle !== undefined) tracker.onSettle(tracker.responses.size === 0);
  };
  function onSocketClose(this: TrackedSocket): void {
    tracker.sockets.delete(this);
    tracker.onSettle?.(false);
  }
  function onUpgradedClose(this: Duplex): void {
    tracker.upgraded.delete(this);
    tracker.onSettle?.(false);
  }
  function onSessionClose(this: Http2Session): void {
    tracker.sessions.delete(this);
    tracker.onSettle?.(false);
  }
  const addSocket = (plain: Socket): void => {
    const socket = plain as TrackedSocket;
    tracker.sockets.add(socket);
    socket.on('close', onSocketClose);
  };

  // Added at drain (prepended, so `Connection: close` is set before the app writes headers);
  // from the start for http2 servers, whose responses are not on sockets.
  tracker.onRequest = (req: RequestLike, res: TrackedResponse): void => {
    tracker.track(res);
    // HTTP/1 requests that an http2 server with allowHTTP1 answers: their sockets are met here.
    if (kind === 'http2' && req.httpVersionMajor === 1 && !tracker.sockets.has(req.socket)) {
      addSocket(req.socket);
    }
    if (tracker.draining) markClose(res);
  };
  if (kind === 'http2') server.prependListener('request', tracker.onRequest);

  if (kind === 'http1') {
    server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', addSocket);
    // The one thing done per request before drain: a timestamp, to tell recently used sockets.
    server.prependListener('request', (req: RequestLike) => {
      (req.socket as TrackedSocket)[kLastRequestAt] = performance.now();
    });
  } else {
    server.on('session', (session: Http2Session) => {
      tracker.sessions.add(session);
      session.on('close', onSessionClose);
      if (tracker.draining) session.close();
    });
  }

  // Listening to 'upgrade' changes what Node does with Upgrade requests, so we listen only
  // while the app does: our listener comes and goes with the app's own.
  const onUpgrade = (_req: unknown, socket: Duplex): void => {
    tracker.sockets.delete(socket as TrackedSocket);
    tracker.upgraded.add(socket);
    socket.on('close', onUpgradedClose);
  };
  for (const event of UPGRADE_EVENTS) {
    if (server.listenerCount(event) > 0) server.prependListener(event, onUpgrade);
  }
  server.on('newListener', (event: string | symbol, listener: unknown) => {
    if (!isUpgradeEvent(event) || listener === onUpgrade) return;
    if (!server.listeners(event).includes(onUpgrade)) server.prependListener(event, onUpgrade);
  });
  server.on('removeListener', (event: string | symbol, listener: unknown) => {
    if (!isUpgradeEvent(event) || listener === onUpgrade) return;
    const rest = server.listeners(event);
    if (rest.length === 1 && rest[0] === onUpgrade) server.off(event, onUpgrade);
  });
}

function isUpgradeEvent(event: string | symbol): event is 'upgrade' | 'connect' {
  return event === 'upgrade' || event === 'connect';
}

/** HTTP/1 responses not yet started get `Connection: close`; HTTP/2 has GOAWAY instead. */
export function markClose(res: TrackedResponse): void {
  if (res instanceof ServerResponse && !res.headersSent) res.setHeader('connection', 'close');
}
