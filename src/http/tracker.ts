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

const kIdleBytes = Symbol('lastcall.idleBytes');
const kGraceUntil = Symbol('lastcall.graceUntil');

/** An HTTP/1 socket with what the tracker remembers about it. */
export interface TrackedSocket extends Socket {
  /** `bytesRead` when its last response finished: more bytes since means a request is arriving. */
  [kIdleBytes]: number;
  /** During drain: a keep-alive response just finished here, the client may reuse it until then. */
  [kGraceUntil]: number;
}

/** True when no byte arrived since the socket's last response (or ever): nothing is on the wire. */
export function isIdle(socket: TrackedSocket): boolean {
  return socket.bytesRead === socket[kIdleBytes];
}

/** ms until the socket may be ended; <= 0: now. */
export function graceLeftMs(socket: TrackedSocket, now: number): number {
  return socket[kGraceUntil] - now;
}

type RequestLike = Pick<IncomingMessage, 'socket' | 'httpVersionMajor'>;
const UPGRADE_EVENTS = ['upgrade', 'connect'] as const;

/**
 * Follows a server's connections and in-flight responses with a few listeners attached once.
 * Per request it does one Set insert and one 'close' listener (no promise, no closure): the
 * `http-overhead` bench holds it to ≥ 0.97× bare node:http.
 */
export class ConnectionTracker {
  /** HTTP/1 connections (TLS sockets for https), upgraded ones excluded. */
  readonly sockets = new Set<TrackedSocket>();
  readonly sessions = new Set<Http2Session>();
  readonly upgraded = new Set<Duplex>();
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
}

function attachListeners(tracker: ConnectionTracker): void {
  const { server, kind } = tracker;
  function onResponseClose(this: TrackedResponse): void {
    tracker.responses.delete(this);
    const socket = this.req?.socket as TrackedSocket | undefined;
    if (socket !== undefined && socket[kIdleBytes] !== undefined) {
      socket[kIdleBytes] = socket.bytesRead;
      if (tracker.draining) socket[kGraceUntil] = performance.now() + tracker.reuseGraceMs;
    }
    if (tracker.onSettle !== undefined) tracker.onSettle(tracker.responses.size === 0);
  }
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
    socket[kIdleBytes] = 0;
    socket[kGraceUntil] = 0;
    tracker.sockets.add(socket);
    socket.on('close', onSocketClose);
  };

  // Prepended, so that during drain `Connection: close` is set before the app writes headers.
  server.prependListener('request', (req: RequestLike, res: TrackedResponse) => {
    tracker.responses.add(res);
    res.on('close', onResponseClose);
    // HTTP/1 requests that an http2 server with allowHTTP1 answers: their sockets are met here.
    if (kind === 'http2' && req.httpVersionMajor === 1 && !tracker.sockets.has(req.socket as TrackedSocket)) {
      addSocket(req.socket);
    }
    if (tracker.draining) markClose(res);
  });

  if (kind === 'http1') {
    server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', addSocket);
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
