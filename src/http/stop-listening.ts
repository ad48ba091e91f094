import type { Server as NetServer } from 'node:net';

/**
 * Stops accepting connections and leaves every open one alone. `http.Server#close()` would also
 * destroy the sockets it considers idle at once, the moment a client may be reusing one; drain
 * ends idle sockets itself, when no request is in flight (see drain.ts).
 */
export function stopListening(server: NetServer): void {
  if (!server.listening) return;
  const target = server as NetServer & { closeIdleConnections?: () => void };
  if (typeof target.closeIdleConnections !== 'function') {
    server.close();
    return;
  }
  const own = Object.getOwnPropertyDescriptor(target, 'closeIdleConnections');
  target.closeIdleConnections = noop;
  try {
    server.close();
  } finally {
    if (own) Object.defineProperty(target, 'closeIdleConnections', own);
    else delete target.closeIdleConnections;
  }
}

function noop(): void {}
