import type { ConnectionTracker } from './connection-tracker.js';

/** A server's WebSocket close frame (unmasked, as servers send): opcode 8, status 1001 "going away". */
const GOING_AWAY = Buffer.from([0x88, 0x02, 0x03, 0xe9]);

/**
 * Starts the close handshake on every WebSocket of a server added raw, whose WebSocket library
 * lastcall does not hold: the client answers with its own close frame, the library (ws, socket.io,
 * @fastify/websocket) answers that and ends the socket, and the client sees 1001, not 1006. Frames
 * are written whole, so the frame never lands inside one of the library's. Those still open after
 * `upgradedGraceMs` are destroyed by the drain.
 */
export function closeWebSockets(tracker: ConnectionTracker): void {
  for (const stream of tracker.websockets.values()) {
    if (!stream.destroyed && stream.writable) stream.write(GOING_AWAY);
  }
}
