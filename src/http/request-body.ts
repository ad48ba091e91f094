import type { Socket } from 'node:net';

/** A request as Node's parser reads it: `complete` once its whole body has arrived. */
export interface IncomingLike {
  readonly complete?: boolean;
  readonly destroyed?: boolean;
  readonly socket?: unknown;
  once(event: 'end', listener: () => void): unknown;
}

/** The request Node's parser is reading on an HTTP/1 socket: set from its headers to its body's end. */
export function incomingOf(socket: Socket): IncomingLike | undefined {
  return (socket as { parser?: { incoming?: IncomingLike | null } | null }).parser?.incoming ?? undefined;
}

/**
 * Calls `then` when the body of an answered request has arrived, if it has not yet. Its socket is
 * busy until then: Node's parser is mid-message, so `closeIdleConnections` skips it. And a
 * `Connection: close` socket Node would close at once (`destroySoon`) stays open meanwhile: closed
 * with body bytes still coming, it answers them with RST, which can wipe the response before a client
 * that sends its whole body first (a refusal after `Expect: 100-continue`) has read it.
 */
export function afterBodyEnds(req: IncomingLike | undefined, then: () => void): void {
  if (req === undefined || req.complete !== false || req.destroyed === true) return;
  const socket = req.socket as Socket | undefined;
  const closing = socket !== undefined && socket.writableEnded && !socket.destroyed;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the very listener destroySoon() added
  const destroy = socket?.destroy;
  const lingering = closing && destroy !== undefined && socket.listeners('finish').includes(destroy);
  if (lingering) socket.removeListener('finish', destroy);
  req.once('end', () => {
    if (lingering) socket.destroy(); // the FIN went out already; nothing is left unread now
    then();
  });
}
