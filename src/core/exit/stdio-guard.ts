/** Codes of a stream whose reader is gone: what is written to it can only be dropped. */
const BROKEN = new Set(['EPIPE', 'ECONNRESET', 'EBADF', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);
const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * A closed stdout or stderr emits EPIPE as an 'error' event; unheard, it becomes an
 * uncaughtException whose own log line fails again, in a loop. Heard here, it is dropped.
 */
export function guardStdio(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (guarded.has(stream)) continue;
    guarded.add(stream);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      // Dropped: the lines are lost, never the shutdown.
      if (!BROKEN.has(error.code ?? '')) throw error;
    });
  }
}

/** true when a write to `stream` can still reach a reader. */
export function isWritable(stream: NodeJS.WriteStream): boolean {
  return !stream.destroyed && !stream.writableEnded && !stream.errored;
}
