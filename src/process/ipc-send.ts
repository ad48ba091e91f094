import type { ChildProcess, Serializable } from 'node:child_process';
import { validateDuration, validateOptions, validateSignal } from '../core/validate.js';
import { AbortedError, IpcClosedError, IpcTimeoutError } from '../errors.js';

export interface SendOptions {
  /** Reject with IpcTimeoutError when the message is not written within this time. Default 5000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * child.send() with a deadline. Resolves once the message is written to the channel. A child that does
 * not read (blocked event loop, stuck process) fills the socket buffer and the write never completes:
 * then this rejects with IpcTimeoutError instead of hanging. The message may still arrive later.
 */
export function sendWithTimeout(child: ChildProcess, message: Serializable, options: SendOptions = {}): Promise<void> {
  validateOptions(options, ['timeoutMs', 'signal'], 'send()');
  const { timeoutMs = 5000, signal } = options;
  validateDuration('timeoutMs', timeoutMs, false);
  validateSignal('signal', signal);
  const pid = child.pid ?? -1;
  if (!child.connected) return Promise.reject(new IpcClosedError(pid));
  if (signal?.aborted === true) return Promise.reject(new AbortedError('send()', signal.reason));
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const settle = (error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.off('disconnect', onDisconnect);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onDisconnect = (): void => settle(new IpcClosedError(pid));
    const onAbort = (): void => settle(new AbortedError('send()', signal?.reason));
    const timer = setTimeout(() => settle(new IpcTimeoutError(pid, timeoutMs)), timeoutMs).unref();
    child.once('disconnect', onDisconnect);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      child.send(message, (error) => settle(error ? new IpcClosedError(pid, error) : undefined));
    } catch (error) {
      settle(new IpcClosedError(pid, error));
    }
  });
}
