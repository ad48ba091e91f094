import { createWriteStream, fstatSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

import { waitForSettled } from '../../internal/wait.js';

// process.stdout/stderr are blocking for pipes on Linux: a reader that stalls would freeze the
// runner's thread (signal handlers, deadline timer), and a write blocked in the thread pool would hang
// process.exit (libuv joins its threads). So the runner writes through the event loop, non-blocking:
// a pipe is reopened via /proc/self/fd/<n> (a new open file description, so the O_NONBLOCK libuv sets
// never reaches a child sharing the original); a socket is used directly only when no child shares
// it (`private`). Otherwise (a shared socket, a TTY, a file) writes go through the thread pool.
let streams: { out: Writable; err: Writable } | undefined;
let privateFds: ReadonlySet<number> = new Set();
/** Sockets written through the thread pool (shared with the child): a write may block there. */
const sharedSockets = new Map<Writable, number>();

/** Call before the first write: the fds no child inherits (stdout/stderr piped for --ready log:). */
export function setPrivateOutput(fds: readonly number[]): void {
  privateFds = new Set(fds);
}

function open(fd: number): Writable {
  let stream: Writable;
  try {
    const stat = fstatSync(fd);
    if (stat.isFIFO())
      stream = new Socket({ fd: openSync(`/proc/self/fd/${fd}`, 'w'), readable: false, writable: true });
    else if (stat.isSocket() && privateFds.has(fd)) stream = new Socket({ fd, readable: false, writable: true });
    else {
      stream = createWriteStream('', { fd, autoClose: false });
      if (stat.isSocket()) sharedSockets.set(stream, fd);
    }
  } catch {
    stream = createWriteStream('', { fd, autoClose: false });
  }
  stream.on('error', () => {}); // EPIPE: the reader is gone; losing a line beats dying
  return stream;
}

/** The runner's stdout and stderr (the child's piped output is copied here too). */
export function runOutput(): { out: Writable; err: Writable } {
  streams ??= { out: open(1), err: open(2) };
  return streams;
}

/** One `lastcall: …` line on stderr, never blocking. */
export function say(line: string): void {
  runOutput().err.write(`lastcall: ${line}\n`);
}

/** true once everything written so far is out; false if a stalled reader holds it past `ms`. */
export function waitForOutput(ms: number): Promise<boolean> {
  if (!streams) return Promise.resolve(true);
  const flushed = [streams.out, streams.err].map(
    (s) => new Promise<void>((resolve) => (s.writable ? s.write('', () => resolve()) : resolve())),
  );
  return waitForSettled(Promise.all(flushed), ms);
}

/**
 * Waits up to `ms` for the output, then up to `stuckMs` more for a write still in the thread pool on a
 * socket shared with the child (a loaded machine can be slow to run it), then makes sure it cannot
 * hold the exit: blocked on a socket nobody reads, it would hang process.exit for ever (libuv joins
 * its threads at exit). Shutting the socket's write side down fails that write with EPIPE: the lines
 * are lost, never the deadline.
 */
export async function finishOutput(ms: number, stuckMs: number): Promise<void> {
  if (await waitForOutput(ms)) return;
  const stuck = [...sharedSockets].filter(([stream]) => stream.writableLength > 0);
  if (stuck.length === 0 || (await waitForOutput(stuckMs))) return;
  const ends = stuck.map(([, fd]) => {
    const socket = new Socket({ fd, readable: false, writable: true });
    socket.on('error', () => {});
    return new Promise<void>((resolve) => socket.end(() => resolve()));
  });
  await waitForSettled(Promise.all(ends), ms);
}

/**
 * Copies a child's piped output to ours. When ours fails (EPIPE: `lastcall run … | head -1` and head
 * is gone), the child must end as it would had it inherited our stdout: its next write kills it with
 * SIGPIPE. Left unread it would block on a full pipe forever; and closing the pipe alone is not the
 * same, as Node's pipes are socketpairs (the write fails with ECONNRESET, no SIGPIPE). So its next
 * output sends `sigpipe()` (SIGPIPE to the child), then the pipe is closed for a child ignoring it.
 */
export function copyOutput(from: Readable, to: Writable, sigpipe: () => void): void {
  from.pipe(to, { end: false });
  const gone = (): void => {
    from.unpipe(to);
    from.once('data', () => {
      sigpipe();
      from.destroy();
    });
    from.resume();
  };
  if (to.destroyed) return gone();
  to.once('close', gone);
  from.once('close', () => to.off('close', gone));
}

/** `signal SIGKILL`, `code 3`: how a child ended, for the runner's lines. */
export function describeExit(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}
