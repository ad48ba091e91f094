// A minimal HTTP/1.1 response reader for doctor's load client: status, `Connection: close`, and where
// the body ends (Content-Length, chunked, or the connection's close).

export interface ParsedResponse {
  status: number;
  closing: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const STATUS = /^HTTP\/\d\.\d (\d{3})/;
const CONNECTION = /\r\nconnection:[ \t]*([^\r]*)/i;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CHUNKED = /\r\ntransfer-encoding:[^\r]*chunked/i;

export class ResponseParser {
  #buffer: Buffer = Buffer.alloc(0);
  #head: ParsedResponse | undefined;
  /** Body bytes still expected (Content-Length); -1 chunked; -2 until close. */
  #remaining = 0;
  /** Bytes received past the end of this response (a pipelining server; doctor never pipelines). */
  rest = 0;

  /** Feeds bytes; returns the response once it is complete. */
  push(chunk: Buffer): ParsedResponse | undefined {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    if (!this.#head) {
      const end = this.#buffer.indexOf(HEAD_END);
      if (end === -1) return undefined;
      const head = this.#buffer.toString('latin1', 0, end);
      this.#buffer = this.#buffer.subarray(end + 4);
      const status = Number(STATUS.exec(head)?.[1] ?? 0);
      const http10 = head.startsWith('HTTP/1.0');
      const connection = CONNECTION.exec(head)?.[1]?.toLowerCase() ?? '';
      this.#head = { status, closing: connection.includes('close') || (http10 && !connection.includes('keep-alive')) };
      const length = CONTENT_LENGTH.exec(head)?.[1];
      if (status === 204 || status === 304 || (status >= 100 && status < 200)) this.#remaining = 0;
      else if (CHUNKED.test(head)) this.#remaining = -1;
      else if (length !== undefined) this.#remaining = Number(length);
      else this.#remaining = -2;
    }
    return this.#body();
  }

  /** The connection closed: a body read until close is complete now. */
  end(): ParsedResponse | undefined {
    return this.#head && this.#remaining === -2 ? { ...this.#head, closing: true } : undefined;
  }

  #body(): ParsedResponse | undefined {
    const head = this.#head as ParsedResponse;
    if (this.#remaining >= 0) {
      if (this.#buffer.length < this.#remaining) return undefined;
      this.rest = this.#buffer.length - this.#remaining;
      return head;
    }
    if (this.#remaining === -2) return undefined;
    // chunked: size CRLF data CRLF ... 0 CRLF [trailers] CRLF
    for (;;) {
      const line = this.#buffer.indexOf(CRLF);
      if (line === -1) return undefined;
      const size = parseInt(this.#buffer.toString('latin1', 0, line), 16);
      if (Number.isNaN(size)) return { ...head, closing: true };
      if (size === 0) {
        const end = this.#buffer.indexOf(HEAD_END, line - 2);
        if (end === -1 && !this.#buffer.subarray(line + 2).equals(CRLF)) return undefined;
        return head;
      }
      if (this.#buffer.length < line + 2 + size + 2) return undefined;
      this.#buffer = this.#buffer.subarray(line + 2 + size + 2);
    }
  }
}
