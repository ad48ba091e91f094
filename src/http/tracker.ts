import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Http2Session } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { ServerKind } from './server-kind.js';

/** What the tracker needs from a response of either protocol. */
export interface TrackedResponse {
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  on(event: 'close', listener: () => void): unknown;
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
  readonly sockets = new Set<Socket>();
  readonly sessions = new Set<Http2Session>();
  readonly upgraded = new Set<Duplex>();
  readonly responses = new Set<TrackedResponse>();
  draining = false;
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
    if (tracker.onSettle !== undefined) tracker.onSettle(tracker.responses.size === 0);
  }
  function onSocketClose(this: Socket): void {
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
  const addSocket = (socket: Socket): void => {
    tracker.sockets.add(socket);
    socket.on('close', onSocketClose);
  };

  // Prepended, so that during drain `Connection: close` is set before the app writes headers.
  server.prependListener('request', (req: RequestLike, res: TrackedResponse) => {
    tracker.responses.add(res);
    res.on('close', onResponseClose);
    // HTTP/1 requests that an http2 server with allowHTTP1 answers: their sockets are met here.
    if (kind === 'http2' && req.httpVersionMajor === 1 && !tracker.sockets.has(req.socket)) addSocket(req.socket);
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
    tracker.sockets.delete(socket as Socket);
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
