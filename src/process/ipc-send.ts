import type { ChildProcess, Serializable } from 'node:child_process';

import { AbortedError, IpcClosedError, IpcTimeoutError } from '../errors.js';
import { setLongTimeout } from '../internal/long-timer.js';
import { validateDuration, validateOptions, validateSignal } from '../internal/validate.js';
import { onAbort } from '../internal/wait.js';

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
      timer.clear();
      stopDisconnect();
      stopAbort();
      if (error) reject(error);
      else resolve();
    };
    const timer = setLongTimeout(() => settle(new IpcTimeoutError(pid, timeoutMs)), timeoutMs);
    // One shared listener per child and per AbortSignal: many concurrent sends add no more.
    const stopDisconnect = onDisconnect(child, () => settle(new IpcClosedError(pid)));
    const stopAbort = signal ? onAbort(signal, () => settle(new AbortedError('send()', signal.reason))) : () => true;
    try {
      child.send(message, (error) => settle(error ? new IpcClosedError(pid, error) : undefined));
    } catch (error) {
      settle(new IpcClosedError(pid, error));
    }
  });
}

const disconnectFanouts = new WeakMap<ChildProcess, Set<() => void>>();

/** Calls `fn` once when the child's channel closes; returns a remover. One real listener per child. */
function onDisconnect(child: ChildProcess, fn: () => void): () => boolean {
  let listeners = disconnectFanouts.get(child);
  if (!listeners) {
    const created = new Set<() => void>();
    child.once('disconnect', () => {
      disconnectFanouts.delete(child);
      for (const listener of created) listener();
    });
    disconnectFanouts.set(child, created);
    listeners = created;
  }
  const own = listeners;
  own.add(fn);
  return () => own.delete(fn);
}
