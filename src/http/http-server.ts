import type { Server as HttpServer } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Server as HttpsServer } from 'node:https';

import { stepKind } from '../core/kinds.js';
import { type HooksProvider, lifecycleHooks, type RequestCounts, type ResourceHooks } from '../core/types.js';
import { InvalidOptionError } from '../errors.js';
import { validateDuration, validateFunction, validateOptions, validateSignal } from '../internal/validate.js';
import { closeTracked } from './close.js';
import { trackConnections } from './connection-listeners.js';
import type { ConnectionTracker } from './connection-tracker.js';
import { describeConnections } from './describe-open.js';
import { drainTracked, type UpgradedCloser } from './drain.js';
import { validateServer } from './server-kind.js';

export type AnyHttpServer = HttpServer | HttpsServer | Http2Server | Http2SecureServer;

export interface HttpServerOptions {
  /**
   * Closes upgraded connections (WebSocket, CONNECT) gracefully during drain, e.g.
   * `() => { for (const ws of wss.clients) ws.close(1001, 'server shutting down') }`.
   * Drain then waits for them (at most `upgradedGraceMs`); without it they are left to close(),
   * which destroys them and counts them as forced.
   */
  onUpgraded?: UpgradedCloser;
  /**
   * During drain, a socket whose keep-alive response (headers sent before drain began) just
   * finished stays open this long for the client's next request, which is answered with
   * `Connection: close`; then it is ended. Other idle sockets are ended as soon as no request
   * is in flight. Default 100.
   */
  reuseGraceMs?: number;
  /**
   * How long drain waits, after calling `onUpgraded`, for upgraded connections to close (a
   * WebSocket close handshake needs the client's answer; a dead client never sends it). Those
   * still open then are destroyed and counted in `upgradedDestroyed`; the drain still succeeds.
   * Default 2000.
   */
  upgradedGraceMs?: number;
}

export interface HttpServerHandle extends HooksProvider, AsyncDisposable {
  readonly [stepKind]: 'server';
  readonly server: AnyHttpServer;
  /** Requests whose response has not finished. */
  readonly inFlight: number;
  /** Open connections (every accepted TCP connection: HTTP/1, HTTP/2, TLS mid-handshake, upgraded). */
  readonly sockets: number;
  /** Upgraded sockets (WebSocket, CONNECT) among them. */
  readonly upgraded: number;
  /** Upgraded connections drain destroyed because they outlived `upgradedGraceMs`. */
  readonly upgradedDestroyed: number;
  readonly draining: boolean;
  /** Stops accepting and waits for in-flight requests and connections; idempotent. */
  drain(signal?: AbortSignal): Promise<void>;
  /** Destroys what is left; rejects with `ERR_HTTP_FORCED_CLOSE` if anything was forced; idempotent. */
  close(signal?: AbortSignal): Promise<void>;
}

const OPTIONS = ['onUpgraded', 'reuseGraceMs', 'upgradedGraceMs'] as const;
const DEFAULT_REUSE_GRACE_MS = 100;
const DEFAULT_UPGRADED_GRACE_MS = 2000;
const tracked = new WeakSet<object>();
/** Each handle's tracker, for lastcall/http's own use (the adapter hands it connections, closes WebSockets). */
export const trackerOf = new WeakMap<HttpServerHandle, ConnectionTracker>();

/** Whether `server` was passed to httpServer() already. */
export function isTracked(server: object): boolean {
  return tracked.has(server);
}

/**
 * Makes an http, https or http2 server a lifecycle resource: `life.add('http', httpServer(server))`.
 * Call it before shutdown (ideally before listen()): connections are tracked from now on.
 */
export function httpServer(server: AnyHttpServer, options?: HttpServerOptions): HttpServerHandle {
  const kind = validateServer(server);
  validateOptions(options, OPTIONS, 'httpServer()');
  const onUpgraded = options?.onUpgraded;
  if (onUpgraded !== undefined) validateFunction('onUpgraded', onUpgraded);
  const reuseGraceMs = options?.reuseGraceMs ?? DEFAULT_REUSE_GRACE_MS;
  validateDuration('reuseGraceMs', reuseGraceMs, false);
  const upgradedGraceMs = options?.upgradedGraceMs ?? DEFAULT_UPGRADED_GRACE_MS;
  validateDuration('upgradedGraceMs', upgradedGraceMs, false);
  if (tracked.has(server))
    throw new InvalidOptionError('server', 'a server not already passed to httpServer()', server);
  tracked.add(server);

  const tracker = trackConnections(server, kind);
  let drained: Promise<void> | undefined;
  let closed: Promise<void> | undefined;

  const handle: HttpServerHandle = {
    server,
    get inFlight() {
      return tracker.inFlight;
    },
    get sockets() {
      return tracker.connections;
    },
    get upgraded() {
      return tracker.upgraded.size;
    },
    get upgradedDestroyed() {
      return tracker.upgradedDestroyed;
    },
    get draining() {
      return tracker.stopping;
    },
    drain(signal?: AbortSignal) {
      validateSignal('signal', signal);
      drained ??= drainTracked(tracker, signal, { onUpgraded, reuseGraceMs, upgradedGraceMs });
      return drained;
    },
    close(signal?: AbortSignal) {
      validateSignal('signal', signal);
      closed ??= closeTracked(tracker, signal);
      return closed;
    },
    [lifecycleHooks](): ResourceHooks {
      const describeOpen = (): string | undefined => describeConnections(tracker);
      const requestCounts = (): RequestCounts => ({ ...tracker.counts });
      return {
        drain: (signal) => handle.drain(signal),
        close: (signal) => handle.close(signal),
        describeOpen,
        requestCounts,
        traffic: tracker.arrivals,
      };
    },
    [Symbol.asyncDispose]() {
      return handle.close();
    },
    [stepKind]: 'server',
  };
  trackerOf.set(handle, tracker);
  return handle;
}
