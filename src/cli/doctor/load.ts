// Doctor's load: N keep-alive clients in a closed loop on raw sockets (one socket each; the next
// request as soon as the previous response is complete), every request recorded with its outcome and
// whether it was sent on a socket that had already served one. Raw `net` keeps the client light
// enough that the service, not doctor, is the bottleneck (bench doctor-cost).
import { connect, type Socket } from 'node:net';

import { ResponseParser } from './response.js';

export type RequestOutcome = 'ok' | 'closing' | 'refused' | 'reset' | '5xx' | 'error';

export interface RequestRecord {
  client: number;
  startMs: number;
  endMs: number;
  /** When the answer came: the response's first bytes (its status line), or the failure/reset. */
  answerMs: number;
  outcome: RequestOutcome;
  /** Sent on a keep-alive socket that had served an earlier request. */
  reused: boolean;
}

/** What failed requests say: refused (never reached a server) vs reset (may have run). */
export function classifyError(error: NodeJS.ErrnoException): RequestOutcome {
  if (error.code === 'ECONNREFUSED') return 'refused';
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.message === 'socket hang up') return 'reset';
  return 'error';
}

const RETRY_PAUSE_MS = 20;

interface Pending {
  startMs: number;
  /** When the response's first bytes arrived (undefined until they do). */
  answerMs: number | undefined;
  reused: boolean;
  parser: ResponseParser;
}

interface Conn {
  socket: Socket;
  served: number;
  connected: boolean;
  /** Once connected (a close after that is a reset, before it a failed connect). */
  reached: boolean;
  /** The request on this socket awaiting its response. */
  current: Pending | undefined;
}

export class LoadClients {
  readonly records: RequestRecord[] = [];
  readonly #conns: Array<Conn | undefined>;
  readonly #host: string;
  readonly #port: number;
  readonly #request: Buffer;
  readonly #originMs: number;
  #stopped = false;
  #pending = 0;

  constructor(url: string, connections: number, originMs: number) {
    const u = new URL(url);
    this.#host = u.hostname.replace(/^\[|\]$/g, '');
    this.#port = Number(u.port || 80);
    this.#request = Buffer.from(
      `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: lastcall-doctor\r\n\r\n`,
      'latin1',
    );
    this.#originMs = originMs;
    this.#conns = Array.from({ length: connections }, () => undefined);
  }

  start(): void {
    for (let client = 0; client < this.#conns.length; client++) this.#send(client);
  }

  /** Sockets currently connected, across all clients. */
  openSockets(): number {
    return this.#conns.filter((c) => c?.connected === true).length;
  }

  /** Requests sent and not yet answered. */
  pending(): number {
    return this.#pending;
  }

  /** Stops the loops; requests cut short by the stop are not recorded. */
  stop(): void {
    this.#stopped = true;
    for (const conn of this.#conns) conn?.socket.destroy();
  }

  #send(client: number): void {
    if (this.#stopped) return;
    const existing = this.#conns[client];
    const conn = existing && !existing.socket.destroyed ? existing : this.#open(client);
    conn.current = {
      startMs: performance.now() - this.#originMs,
      answerMs: undefined,
      reused: conn.served > 0,
      parser: new ResponseParser(),
    };
    this.#pending += 1;
    conn.socket.write(this.#request);
  }

  #open(client: number): Conn {
    const socket = connect({ host: this.#host, port: this.#port, noDelay: true });
    const conn: Conn = { socket, served: 0, connected: false, reached: false, current: undefined };
    this.#conns[client] = conn;
    socket.once('connect', () => (conn.connected = conn.reached = true));
    socket.on('data', (chunk: Buffer) => {
      if (conn.current && conn.current.answerMs === undefined)
        conn.current.answerMs = performance.now() - this.#originMs;
      const response = conn.current?.parser.push(chunk);
      if (response === undefined) return;
      conn.served += 1;
      const keep = !response.closing && conn.current?.parser.rest === 0;
      this.#finish(client, conn, response.status >= 500 ? '5xx' : response.closing ? 'closing' : 'ok', keep);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => this.#finish(client, conn, classifyError(error), false));
    socket.on('close', () => {
      conn.connected = false; // closed between requests: the next one opens a new socket
      if (this.#conns[client] === conn) this.#conns[client] = undefined;
      const response = conn.current?.parser.end();
      if (response) this.#finish(client, conn, response.status >= 500 ? '5xx' : 'closing', false);
      else this.#finish(client, conn, conn.reached ? 'reset' : 'error', false);
    });
    return conn;
  }

  #finish(client: number, conn: Conn, outcome: RequestOutcome, keep: boolean): void {
    const request = conn.current;
    if (request === undefined) return;
    conn.current = undefined;
    this.#pending -= 1;
    if (!keep) {
      conn.socket.destroy();
      conn.connected = false;
      if (this.#conns[client] === conn) this.#conns[client] = undefined;
    }
    if (this.#stopped) return;
    const endMs = performance.now() - this.#originMs;
    this.records.push({
      client,
      startMs: request.startMs,
      endMs,
      // A failure before any response byte is answered by the failure itself.
      answerMs: request.answerMs ?? endMs,
      outcome,
      reused: request.reused,
    });
    if (outcome === 'ok' || outcome === '5xx' || outcome === 'closing') this.#send(client);
    else setTimeout(() => this.#send(client), RETRY_PAUSE_MS).unref();
  }
}
