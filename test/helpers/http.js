// Small real-socket helpers for the http tests: raw clients see FIN ('end') and RST (ECONNRESET) apart.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function listen(server, host = '127.0.0.1') {
  server.listen(0, host);
  await once(server, 'listening');
  return server.address().port;
}

/** A raw keep-alive client on one socket: send requests, read responses, watch FIN and RST. */
export function rawClient(port) {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const state = { fin: false, reset: false, error: undefined, closed: false, buffer: '' };
  const waiters = [];
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  socket.setEncoding('latin1');
  socket.on('data', (chunk) => {
    state.buffer += chunk;
    wake();
  });
  socket.on('end', () => {
    state.fin = true;
    wake();
  });
  socket.on('error', (error) => {
    state.error = error;
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') state.reset = true;
    wake();
  });
  socket.on('close', () => {
    state.closed = true;
    wake();
  });
  const until = (predicate) =>
    new Promise((resolve) => {
      const check = () => (predicate() ? resolve() : waiters.push(check));
      check();
    });
  return {
    socket,
    state,
    connected: once(socket, 'connect'),
    send(path = '/', headers = '') {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);
    },
    /** Resolves with the next full response ({ status, headers, body }), or null on FIN/RST first. */
    async response() {
      let parsed;
      await until(() => (parsed = parseResponse(state)) !== undefined || state.fin || state.closed || state.error);
      return parsed ?? null;
    },
    waitForEnd: () => until(() => state.fin || state.closed || state.error),
    destroy: () => socket.destroy(),
  };
}

function parseResponse(state) {
  const head = state.buffer.indexOf('\r\n\r\n');
  if (head === -1) return undefined;
  const lines = state.buffer.slice(0, head).split('\r\n');
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  if (state.buffer.length < head + 4 + length) return undefined;
  const body = state.buffer.slice(head + 4, head + 4 + length);
  state.buffer = state.buffer.slice(head + 4 + length);
  return { status: Number(lines[0].split(' ')[1]), headers, body };
}

/** GET with node:http; resolves { status, headers, body } or rejects with the client error. */
export function get(port, path = '/', options = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** A request handler whose /slow requests wait for `release()`; `arrivals(n)` waits for n of them. */
export function gate() {
  let open;
  const opened = new Promise((resolve) => (open = resolve));
  let count = 0;
  const waiters = [];
  const handler = (req, res) => {
    const reply = () => res.end(`done ${req.url}`);
    if (!req.url.startsWith('/slow')) return reply();
    count++;
    for (const waiter of waiters.splice(0)) waiter();
    void opened.then(reply);
  };
  const arrivals = (n = 1) =>
    new Promise((resolve) => {
      const check = () => (count >= n ? resolve() : waiters.push(check));
      check();
    });
  return { handler, release: () => open(), arrivals };
}

export const quietLifecycle = { signals: false, exit: false, logger: false };

/** Drain closes the listener after one more event-loop poll (to accept what the kernel queued). */
export async function waitForClosedListener(server) {
  while (server.listening) await new Promise((resolve) => setImmediate(resolve));
}

/** A self-signed certificate from the openssl CLI: `{ cert }`, or `{ noCert }` (a skip reason). */
export function selfSignedCert() {
  try {
    execFileSync('which', ['openssl'], { stdio: 'ignore' });
  } catch {
    return { noCert: 'openssl CLI not found: cannot generate a self-signed certificate' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'lastcall-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      cert: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      noCert: false,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A raw client whose socket has carried one request and now sits idle in keep-alive. */
export async function keptAliveClient(port) {
  const client = rawClient(port);
  await client.connected;
  client.send('/first');
  const res = await client.response();
  if (res?.status !== 200) throw new Error(`keep-alive request failed: ${JSON.stringify(res)}`);
  return client;
}
