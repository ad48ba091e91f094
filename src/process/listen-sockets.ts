import { lstatSync, unlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

import { ListenError } from '../errors.js';
import type { ListenFd } from './listen-fds.js';

export type ListenAddress =
  { kind: 'tcp'; host?: string; port: number; name?: string } | { kind: 'unix'; path: string; name?: string };

export interface HeldSocket extends ListenFd {
  name: string;
  /** The spec as given (`tcp:8080`). */
  spec: string;
  /** Where it listens: `127.0.0.1:41234`, `[::]:8080`, or the socket's path. */
  bound: string;
  /** unix: the socket file's inode, so that only our own file is ever removed. */
  ino?: number;
}

/**
 * Binds and listens in a worker thread that then blocks for good: the kernel queues connections on
 * these sockets, and nothing in this process ever accept()s one (a listening net.Server on the main
 * thread would take them from the children). The fds live as long as the process; the children get
 * their own copies (spawnManaged's listenFds). A stale unix socket (nobody answers on it) is replaced.
 */
export async function holdListeningSockets(addresses: readonly ListenAddress[]): Promise<HeldSocket[]> {
  // One worker per socket: a worker with a listening socket must never reach its event loop again,
  // and the next socket's setup (a DNS lookup, a stale-socket probe) would need that loop.
  const workers = addresses.map((a) => new Worker(WORKER_SOURCE, { eval: true, workerData: { ...a } }));
  // Referenced until it answers (nothing else may keep this process alive meanwhile), then not: a
  // blocked worker must never hold the process open.
  const replies = await Promise.all(
    workers.map(
      (w) =>
        new Promise<WorkerReply>((resolve) => {
          w.once('message', (reply: WorkerReply) => (w.unref(), resolve(reply)));
          w.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
        }),
    ),
  );
  const failed = replies.findIndex((r) => 'error' in r);
  if (failed >= 0) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw new ListenError(
      describeAddress(addresses[failed] as ListenAddress),
      (replies[failed] as { error: string }).error,
    );
  }
  return replies.map((r, i) => {
    const s = r as Extract<WorkerReply, { fd: number }>;
    const a = addresses[i] as ListenAddress;
    return {
      fd: s.fd,
      name: a.name ?? defaultName(a),
      spec: describeAddress(a),
      bound: s.bound,
      ...(s.ino === undefined ? {} : { ino: s.ino }),
    };
  });
}

/** Removes the unix socket files this process created (the same inode: never one a successor bound). */
export function removeSocketFiles(sockets: readonly HeldSocket[]): void {
  for (const s of sockets) {
    if (s.ino === undefined) continue;
    try {
      const st = lstatSync(s.bound);
      if (st.isSocket() && st.ino === s.ino) unlinkSync(s.bound);
    } catch {
      // already gone
    }
  }
}

export function describeAddress(a: ListenAddress): string {
  if (a.kind === 'unix') return `unix:${a.path}`;
  return a.host === undefined ? `tcp:${a.port}` : `tcp:${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

function defaultName(a: ListenAddress): string {
  return a.kind === 'unix' ? 'unix' : 'tcp';
}

type WorkerReply = { error: string } | { fd: number; bound: string; ino?: number };

// CommonJS, evaluated in the worker. Blocks in Atomics.wait in the 'listening' callback (a nextTick
// after the listen() call), before its event loop could poll, and accept on, the socket.
const WORKER_SOURCE = `
const { parentPort, workerData: a } = require('node:worker_threads');
const net = require('node:net');
const fs = require('node:fs');
const fail = (error) => { parentPort.postMessage({ error: error.code || String(error.message) }); };
function listen(retried) {
  const server = net.createServer();
  server.once('error', (error) => {
    if (a.kind !== 'unix' || error.code !== 'EADDRINUSE' || retried) return fail(error);
    // A socket file nobody answers on is a leftover of a crashed runner; anything else is not ours.
    let isSocket = false;
    try { isSocket = fs.lstatSync(a.path).isSocket(); } catch {}
    if (!isSocket) return fail(error);
    const probe = net.connect(a.path);
    probe.once('connect', () => { probe.destroy(); fail(error); });
    probe.once('error', (e) => {
      if (e.code !== 'ECONNREFUSED') return fail(error);
      try { fs.unlinkSync(a.path); } catch {}
      listen(true);
    });
  });
  const options = a.kind === 'unix' ? { path: a.path } : a.host === undefined ? { port: a.port } : { port: a.port, host: a.host };
  server.listen({ ...options, backlog: 4096 }, () => {
    const addr = server.address();
    const bound = typeof addr === 'string' ? addr : addr.family === 'IPv6' ? '[' + addr.address + ']:' + addr.port : addr.address + ':' + addr.port;
    let ino;
    if (a.kind === 'unix') try { ino = fs.lstatSync(a.path).ino; } catch {}
    parentPort.postMessage({ fd: server._handle.fd, bound, ino });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });
}
listen(false);
`;
