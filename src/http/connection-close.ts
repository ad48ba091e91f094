import { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the tracker needs from a response of either protocol. */
export interface TrackedResponse {
  readonly headersSent: boolean;
  readonly writableFinished?: boolean;
  readonly statusCode?: number;
  /** The request (Node >= 15.7); its socket for HTTP/1. */
  readonly req?: { readonly socket?: unknown };
  setHeader(name: string, value: string): unknown;
  on(event: 'close', listener: () => void): unknown;
}

const kTail = Symbol('lastcall.tail');
const marked = new WeakSet<object>();

/** An HTTP/1 socket with the responses Node queues on it. */
export interface ResponseSocket extends Socket {
  /** Node's response being written on this socket, if any (how its closeIdleConnections sees it). */
  _httpMessage?: TrackedResponse | null;
  /** The last pipelined response queued behind `_httpMessage`, when there is one. */
  [kTail]?: TrackedResponse;
}

/** The response being written on an HTTP/1 socket, if any. */
export function currentResponse(socket: ResponseSocket): TrackedResponse | undefined {
  return socket._httpMessage ?? undefined;
}

/** The last response not finished on a socket: the tail of Node's pipelining queue. */
export function lastResponse(socket: ResponseSocket): TrackedResponse | undefined {
  const tail = socket[kTail];
  if (tail !== undefined && tail.writableFinished !== true) return tail;
  return currentResponse(socket);
}

/** A request queued behind another on its socket (HTTP/1 pipelining): remember it as the tail. */
export function notePipelined(socket: ResponseSocket, res: TrackedResponse): boolean {
  if (socket._httpMessage === res) return false;
  socket[kTail] = res;
  return true;
}

/**
 * During drain a new request on an HTTP/1 socket gets `Connection: close`, and the one queued in
 * front of it loses ours: Node ends the socket after a `close` response, so only the last of
 * several pipelined responses may carry it, or the ones behind it are lost.
 */
export function closeAfter(socket: ResponseSocket, res: TrackedResponse): void {
  const previous = lastResponse(socket);
  socket[kTail] = res;
  if (previous !== undefined && previous !== res) unmarkClose(previous);
  markClose(res);
}

/** HTTP/1 responses not yet started get `Connection: close`; HTTP/2 has GOAWAY instead. */
export function markClose(res: TrackedResponse): void {
  if (!(res instanceof ServerResponse) || res.headersSent) return;
  if (String(res.getHeader('connection')).toLowerCase() === 'close') return; // the app's own
  res.setHeader('connection', 'close');
  marked.add(res);
}

function unmarkClose(res: TrackedResponse): void {
  if (res instanceof ServerResponse && !res.headersSent && marked.delete(res)) res.removeHeader('connection');
}
