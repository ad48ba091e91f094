import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Http2Session } from 'node:http2';
import { type Server as NetServer, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Server as TlsServer, type TLSSocket } from 'node:tls';

import { closeAfter, notePipelined, type TrackedResponse } from './connection-close.js';
import { ConnectionTracker, kLastActiveAt, type TrackedSocket } from './connection-tracker.js';
import type { ServerKind } from './server-kind.js';
import { followListeners, trackUpgrades } from './upgrades.js';

const kAcceptedLate = Symbol('lastcall.acceptedLate');

/** Accepted after drain() was called (a TLS socket: its TCP socket was). */
function isAcceptedLate(socket: TrackedSocket): boolean {
  const tcp = (socket as { _parent?: unknown })._parent ?? socket;
  return (tcp as { [kAcceptedLate]?: boolean })[kAcceptedLate] === true;
}

type RequestLike = Pick<IncomingMessage, 'socket' | 'httpVersionMajor'>;
/** Events Node emits instead of 'request' (only while the app listens to them). */
const REQUEST_EVENTS = ['checkContinue', 'checkExpectation'] as const;

/** A tracker for `server` with its listeners attached. */
export function trackConnections(server: NetServer, kind: ServerKind): ConnectionTracker {
  const tracker = new ConnectionTracker(server, kind);
  const { listenFirst, accept } = attachListeners(tracker);
  tracker.listenFirst = listenFirst;
  tracker.accept = accept;
  return tracker;
}

/**
 * Attaches the tracker's listeners: every accepted TCP connection from 'connection' (TLS ones
 * mid-handshake too), HTTP/1 sockets (after the handshake for TLS, also on an `allowHTTP1` http2
 * server), HTTP/2 sessions, requests, upgrades. Returns what moves the request listeners first.
 */
function attachListeners(tracker: ConnectionTracker): { listenFirst: () => void; accept: (socket: Socket) => void } {
  const { server, kind } = tracker;
  const secure = server instanceof TlsServer;

  function onAcceptedClose(this: Socket): void {
    tracker.accepted.delete(this);
    tracker.sockets.delete(this);
    tracker.fresh.delete(this);
    tracker.handshaking.delete(this);
    tracker.upgraded.delete(this);
    tracker.websockets.delete(this);
    tracker.onSettle?.(false);
  }
  function onSocketClose(this: TrackedSocket): void {
    tracker.sockets.delete(this);
    tracker.fresh.delete(this);
  }
  function onSessionClose(this: Http2Session): void {
    tracker.sessions.delete(this);
    tracker.onSettle?.(false);
  }
  const addHttp1 = (socket: TrackedSocket): void => {
    socket[kLastActiveAt] = performance.now();
    if (tracker.stopping) tracker.noteActive(socket[kLastActiveAt]);
    tracker.sockets.add(socket);
    tracker.fresh.add(socket);
    if (secure) socket.on('close', onSocketClose); // a plain socket is its accepted one
  };

  // Fired once the listener is closed and Node's connection count is 0 (every socket destroyed):
  // waiting for each socket's 'close' callback on top would cost ~40 µs a socket.
  server.once('close', () => {
    tracker.serverClosed = true;
    tracker.onSettle?.(false);
  });
  const onConnection = (socket: Socket): void => {
    if (tracker.accepted.has(socket) || socket.destroyed) return;
    tracker.accepted.add(socket);
    tracker.acceptedCount++;
    socket.on('close', onAcceptedClose);
    tracker.extendGrace(); // accepted during drain (it was queued): its request is on its way
    if (tracker.stopping) (socket as { [kAcceptedLate]?: boolean })[kAcceptedLate] = true;
    if (secure) tracker.handshaking.add(socket);
    else if (kind === 'http1') addHttp1(socket);
  };
  server.on('connection', onConnection);
  if (secure) {
    server.on('secureConnection', (socket: TLSSocket) => {
      const tcp = (socket as { _parent?: unknown })._parent;
      if (tcp instanceof Socket) tracker.handshaking.delete(tcp);
      // On an http2 server, anything but h2 is HTTP/1 (allowHTTP1) or ended by Node.
      if (kind === 'http1' || socket.alpnProtocol !== 'h2') addHttp1(socket);
    });
  }
  if (kind === 'http2') {
    server.on('session', (session: Http2Session) => {
      tracker.sessions.add(session);
      session.on('close', onSessionClose);
      if (tracker.draining) session.close();
    });
  }

  // The one thing done per request before drain: a timestamp, and tracking of pipelined requests
  // (queued behind another response on their socket), so that `inFlight` counts them.
  const onRequest = (req: RequestLike, res: TrackedResponse): void => {
    const now = performance.now();
    tracker.arrivals.record(now, req);
    if (!(res instanceof ServerResponse)) return tracker.track(res); // an HTTP/2 stream
    const socket = req.socket as TrackedSocket;
    socket[kLastActiveAt] = now;
    tracker.fresh.delete(socket);
    if (tracker.draining || isAcceptedLate(socket)) {
      tracker.track(res);
      closeAfter(socket, res);
    } else if (notePipelined(socket, res) || kind === 'http2' || tracker.stopping) {
      // Once drain() was called, every request is tracked: startDraining() walks no socket.
      if (tracker.stopping) tracker.noteActive(now);
      tracker.track(res);
    }
  };
  server.prependListener('request', onRequest);
  // Listening to these changes what Node does, so ours come and go with the app's own.
  for (const event of REQUEST_EVENTS) followListeners(tracker, event, onRequest);
  trackUpgrades(tracker);

  const listenFirst = (): void => {
    for (const event of ['request', ...REQUEST_EVENTS]) {
      if (!server.listeners(event).includes(onRequest)) continue;
      server.off(event, onRequest);
      server.prependListener(event, onRequest);
    }
  };
  return { listenFirst, accept: onConnection };
}
