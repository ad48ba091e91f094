// Doctor's load: N keep-alive clients in a closed loop (one socket each, the next request as soon as
// the previous one ends), every request recorded with its outcome and whether it reused a socket.
import { Agent, request } from 'node:http';

export type RequestOutcome = 'ok' | 'closing' | 'refused' | 'reset' | '5xx' | 'error';

export interface RequestRecord {
  client: number;
  startMs: number;
  endMs: number;
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

export class LoadClients {
  readonly records: RequestRecord[] = [];
  readonly #agents: Agent[] = [];
  readonly #url: URL;
  readonly #originMs: number;
  #stopped = false;
  #pending = 0;
  /** Sockets that carried a request: a queued request handed a freed socket has reusedSocket false, so doctor tracks reuse itself. */
  readonly #used = new WeakSet<object>();

  constructor(url: string, connections: number, originMs: number) {
    this.#url = new URL(url);
    this.#originMs = originMs;
    for (let i = 0; i < connections; i++) this.#agents.push(new Agent({ keepAlive: true, maxSockets: 1 }));
  }

  start(): void {
    this.#agents.forEach((agent, client) => this.#next(agent, client));
  }

  /** Sockets currently connected (busy or idle), across all clients. */
  openSockets(): number {
    let n = 0;
    for (const agent of this.#agents) {
      for (const list of Object.values(agent.sockets)) n += list?.length ?? 0;
      for (const list of Object.values(agent.freeSockets)) n += list?.length ?? 0;
    }
    return n;
  }

  /** Requests sent and not yet answered. */
  pending(): number {
    return this.#pending;
  }

  /** Stops the loops; requests cut short by the stop are not recorded. */
  stop(): void {
    this.#stopped = true;
    for (const agent of this.#agents) agent.destroy();
  }

  #next(agent: Agent, client: number): void {
    if (this.#stopped) return;
    const startMs = performance.now() - this.#originMs;
    let done = false;
    this.#pending += 1;
    const finish = (outcome: RequestOutcome, reused: boolean): void => {
      if (done || this.#stopped) return;
      done = true;
      this.#pending -= 1;
      this.records.push({ client, startMs, endMs: performance.now() - this.#originMs, outcome, reused });
      if (outcome === 'ok' || outcome === 'closing' || outcome === '5xx') this.#next(agent, client);
      else setTimeout(() => this.#next(agent, client), RETRY_PAUSE_MS).unref();
    };
    let reused = false;
    const req = request({ host: this.#url.hostname, port: this.#url.port, path: this.#url.pathname + this.#url.search, agent }, (res) => {
      const status = res.statusCode ?? 0;
      const closing = /close/i.test(res.headers.connection ?? '');
      res.on('end', () => finish(status >= 500 ? '5xx' : closing ? 'closing' : 'ok', reused));
      res.on('error', (error) => finish(classifyError(error), reused));
      res.resume();
    });
    req.once('socket', (socket) => {
      reused = this.#used.has(socket);
      this.#used.add(socket);
    });
    req.on('error', (error) => finish(classifyError(error), reused));
    req.end();
  }
}
