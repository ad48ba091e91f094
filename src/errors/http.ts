// Errors of lastcall/http: the server handed over, its forced close, health checks.
import { describeValue } from '../internal/describe.js';
import { LastcallError } from './base.js';

export class NotAServerError extends LastcallError {
  readonly code = 'ERR_NOT_A_SERVER';
  constructor(
    readonly received: unknown,
    readonly hint = '',
  ) {
    super(`Expected an http, https or http2 server, got ${describeValue(received)}${hint ? `; ${hint}` : ''}`);
  }
}

export class ServerClosedError extends LastcallError {
  readonly code = 'ERR_SERVER_CLOSED';
  constructor(readonly address: string) {
    super(
      `The server (${address}) was already closed: pass it to httpServer() before it stops listening, ` +
        `so its connections can be tracked and drained`,
    );
  }
}

export class HttpForcedCloseError extends LastcallError {
  readonly code = 'ERR_HTTP_FORCED_CLOSE';
  constructor(
    /** Requests still in flight when the server was closed; their sockets were destroyed. */
    readonly requests: number,
    /** Connections destroyed at close: busy HTTP/1 sockets, HTTP/2 sessions, upgraded sockets. */
    readonly sockets: number,
  ) {
    super(
      `HTTP server closed by force: ${requests} request${requests === 1 ? '' : 's'} in flight and ` +
        `${sockets} socket${sockets === 1 ? '' : 's'} destroyed`,
    );
  }
}

export class HealthCheckTimeoutError extends LastcallError {
  readonly code = 'ERR_HEALTH_CHECK_TIMEOUT';
  constructor(
    readonly check: string,
    readonly timeoutMs: number,
  ) {
    super(`Health check "${check}" timed out after ${timeoutMs} ms`);
  }
}

/** LISTEN_FDS / LISTEN_FDNAMES are set for this process but malformed (inheritedSockets()). */
export class ListenFdsError extends LastcallError {
  readonly code = 'ERR_LISTEN_FDS';
  constructor(
    readonly variable: string,
    readonly value: string,
  ) {
    super(
      `Expected ${variable} to be ${variable === 'LISTEN_FDS' ? 'a count from 1 to 60' : 'one name per fd, separated by ":"'}, got "${value}"`,
    );
  }
}
