import * as http from 'node:http';
import * as http2 from 'node:http2';
import { Server as NetServer } from 'node:net';

import { NotAServerError, ServerClosedError } from '../errors.js';

/** `http1`: http.Server / https.Server (Express, Koa, ...); `http2`: http2 (secure) servers. */
export type ServerKind = 'http1' | 'http2';

// Node does not export the HTTP/2 server classes; take them from unstarted instances.
const http2Prototypes = [
  Object.getPrototypeOf(http2.createServer()) as object,
  Object.getPrototypeOf(http2.createSecureServer({})) as object,
];

/** Throws a typed error unless `server` is an HTTP server that has not been closed. */
export function validateServer(server: unknown): ServerKind {
  const kind = serverKind(server);
  if (kind === undefined) throw new NotAServerError(server, hintFor(server));
  if (isClosed(server as NetServer)) throw new ServerClosedError(describeAddress(server as NetServer));
  return kind;
}

function serverKind(server: unknown): ServerKind | undefined {
  if (server instanceof http.Server) return 'http1'; // https.Server extends it too
  if (server instanceof NetServer && http2Prototypes.some((proto) => proto.isPrototypeOf(server))) return 'http2';
  // https.Server extends tls.Server, not http.Server: it is recognised by its HTTP methods.
  if (server instanceof NetServer && typeof (server as http.Server).closeIdleConnections === 'function') return 'http1';
  return undefined;
}

/** A server that listened once and no longer does (Node keeps `_connectionKey` after close). */
function isClosed(server: NetServer): boolean {
  return !server.listening && typeof (server as { _connectionKey?: unknown })._connectionKey === 'string';
}

function describeAddress(server: NetServer): string {
  const key = (server as { _connectionKey?: string })._connectionKey ?? '';
  return key.replace(/^-?\d+:/, '') || 'not listening';
}

function hintFor(value: unknown): string {
  if (typeof value === 'function') {
    return 'this looks like a request handler (an Express or Koa app): pass the server that app.listen() returns';
  }
  if (value !== null && typeof value === 'object') {
    const inner = (value as { server?: unknown }).server;
    if (inner instanceof NetServer) {
      return 'this object wraps a server in `.server` (Fastify?): add it with its own close() (see the Fastify recipe) or pass `.server`';
    }
    if (value instanceof NetServer)
      return 'a plain net.Server has no HTTP requests to drain: add it with life.add(name, server)';
  }
  return '';
}
