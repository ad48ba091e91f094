import { createWriteStream, fstatSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { waitForSettled } from '../../internal/wait.js';

// process.stdout/stderr are blocking for pipes on Linux: a reader that stalls would freeze the
// runner's thread (signal handlers, deadline timer), and a write blocked in the thread pool would hang
// process.exit (libuv joins its threads). So the runner writes through the event loop, non-blocking:
// a pipe is reopened via /proc/self/fd/<n> (a new open file description, so the O_NONBLOCK libuv sets
// never reaches a child sharing the original); a socket is used directly only when no child shares
// it (`private`). Otherwise (a shared socket, a TTY, a file) writes go through the thread pool.
let streams: { out: Writable; err: Writable } | undefined;
let privateFds: ReadonlySet<number> = new Set();

/** Call before the first write: the fds no child inherits (stdout/stderr piped for --ready log:). */
export function setPrivateOutput(fds: readonly number[]): void {
  privateFds = new Set(fds);
}

function open(fd: number): Writable {
  let stream: Writable;
  try {
    const stat = fstatSync(fd);
    if (stat.isFIFO()) stream = new Socket({ fd: openSync(`/proc/self/fd/${fd}`, 'w'), readable: false, writable: true });
    else if (stat.isSocket() && privateFds.has(fd)) stream = new Socket({ fd, readable: false, writable: true });
    else stream = createWriteStream('', { fd, autoClose: false });
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
  const flushed = [streams.out, streams.err].map((s) => new Promise<void>((resolve) => (s.writable ? s.write('', () => resolve()) : resolve())));
  return waitForSettled(Promise.all(flushed), ms);
}
