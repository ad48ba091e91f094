import * as diagnostics from 'node:diagnostics_channel';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';

/** What `lastcall/auto` adopts: a server of the app's that began listening. */
export type ListeningServer = net.Server;

// Node publishes every listen() on this channel from 20.16 (and 22); before that, listen() is wrapped.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const HAS_LISTEN_CHANNEL = major > 20 || (major === 20 && minor >= 16);

/**
 * Calls `onListening(server)` once for every net/http/https/http2 server that starts listening from
 * now on, at its 'listening' event: before the server can accept a connection.
 */
export function watchServers(onListening: (server: ListeningServer) => void): void {
  const seen = new WeakSet<net.Server>();
  const note = (server: unknown): void => {
    if (!(server instanceof net.Server) || seen.has(server)) return;
    seen.add(server);
    server.once('listening', () => onListening(server));
  };
  if (HAS_LISTEN_CHANNEL) {
    diagnostics.subscribe('tracing:net.server.listen:asyncStart', (message) =>
      note((message as { server?: unknown }).server),
    );
    return;
  }
  // eslint-disable-next-line @typescript-eslint/unbound-method -- applied with its own `this` below
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    note(this);
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  };
}

/** `http :3000`, `https 127.0.0.1:8443`, `net /run/app.sock`. */
export function describeServer(server: ListeningServer): string {
  const kind =
    server instanceof https.Server
      ? 'https'
      : server instanceof http.Server
        ? 'http'
        : typeof (server as http.Server).closeIdleConnections === 'function'
          ? 'https'
          : 'net';
  const address = server.address();
  if (address === null) return `${kind} server`;
  if (typeof address === 'string') return `${kind} ${address}`;
  const host =
    address.address === '::' || address.address === '0.0.0.0'
      ? ''
      : address.address.includes(':')
        ? `[${address.address}]`
        : address.address;
  return `${kind} ${host}:${address.port}`;
}
