import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import type { ConnectionTracker } from './connection-tracker.js';

const UPGRADE_EVENTS = ['upgrade', 'connect'] as const;
const REFUSAL = 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter listeners take any arguments
type Listener = (...args: any[]) => void;

/**
 * Keeps `listener` first on `event` while the app listens to it, and removes it with the app's
 * last one: listening to 'upgrade', 'connect' or 'checkContinue' changes what Node does with
 * such requests, so the tracker must not listen alone. `follow()` false: leave the event alone.
 */
export function followListeners(
  tracker: ConnectionTracker,
  event: string,
  listener: Listener,
  follow = (): boolean => true,
): void {
  const { server } = tracker;
  if (server.listenerCount(event) > 0) server.prependListener(event, listener);
  server.on('newListener', (name: string | symbol, added: unknown) => {
    if (name !== event || added === listener || !follow()) return;
    if (!server.listeners(event).includes(listener)) server.prependListener(event, listener);
  });
  server.on('removeListener', (name: string | symbol, removed: unknown) => {
    if (name !== event || removed === listener || !follow()) return;
    const rest = server.listeners(event);
    if (rest.length === 1 && rest[0] === listener) server.off(event, listener);
  });
}

/** The TCP socket under a socket (a TLS socket's parent), the one `accepted` holds. */
function tcpOf(socket: Duplex): Socket | undefined {
  const parent = (socket as { _parent?: unknown })._parent;
  if (parent instanceof Socket) return parent;
  return socket instanceof Socket ? socket : undefined;
}

/** Moves an upgraded connection from the HTTP/1 sockets to `upgraded`. */
export function trackUpgrades(tracker: ConnectionTracker): void {
  const onUpgrade = (req: { headers?: Record<string, unknown> }, socket: Duplex): void => {
    tracker.sockets.delete(socket as Socket);
    tracker.fresh.delete(socket as Socket);
    const tcp = tcpOf(socket);
    if (tcp === undefined || !tracker.accepted.has(tcp)) return;
    tracker.upgraded.add(tcp);
    const upgrade = req.headers?.upgrade;
    if (typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket') tracker.websockets.set(tcp, socket);
  };
  for (const event of UPGRADE_EVENTS) followListeners(tracker, event, onUpgrade, () => !tracker.draining);
}

/**
 * During drain an Upgrade (or CONNECT) the app would accept is answered 503 with
 * `Connection: close` instead: a connection upgraded now would outlive the drain (`onUpgraded`
 * already ran). The app's listeners are removed for good; the server is shutting down.
 */
export function refuseUpgrades(tracker: ConnectionTracker): void {
  const { server } = tracker;
  for (const event of UPGRADE_EVENTS) {
    if (server.listenerCount(event) === 0) continue; // Node then answers it as a plain request
    server.removeAllListeners(event);
    server.on(event, refuse);
  }
}

function refuse(_req: unknown, socket: Duplex): void {
  socket.end(REFUSAL);
  (socket as Partial<Socket>).destroySoon?.();
}

/** Destroys the upgraded connections still open; returns how many were. */
export function destroyUpgraded(tracker: ConnectionTracker): number {
  let count = 0;
  for (const socket of tracker.upgraded) {
    if (!socket.destroyed) count++;
    socket.destroy();
  }
  return count;
}
