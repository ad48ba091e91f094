import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, PidFileHeldError, type PidFileKind } from '../errors.js';
import { validateBoolean, validateDuration, validateOptions, validateSignal, validateString } from '../internal/validate.js';
import { attemptAcquire } from './attempt.js';
import { PidFileHandle } from './handle.js';

export interface AcquireOptions {
  /** Create the file's directory (mode 0755) when missing. Default false: a typed error names it. */
  createDirectory?: boolean;
  /** Poll this long for a held file to become free, then throw the held error. Default 0. */
  waitMs?: number;
  /** Aborts waiting (rejects with ERR_ABORTED). */
  signal?: AbortSignal;
}

const KNOWN = ['createDirectory', 'waitMs', 'signal'] as const;
const POLL_MS = 50;
// A live claimer finishes in microseconds; one that stays busy this long is stopped or wedged.
const BUSY_LIMIT_MS = 5000;

export async function acquire(path: unknown, options: unknown, kind: PidFileKind, where: string): Promise<PidFileHandle> {
  validateString('path', path);
  validateOptions(options, KNOWN, where);
  const given = options as Record<string, unknown> | undefined;
  const createDirectory = given?.createDirectory ?? false;
  const waitMs = given?.waitMs ?? 0;
  const signal = given?.signal;
  validateBoolean('createDirectory', createDirectory);
  validateDuration('waitMs', waitMs);
  validateSignal('signal', signal);

  const absolute = resolve(path);
  const startedAt = Date.now();
  let busyPolls = 0;
  for (;;) {
    if (signal?.aborted) throw new AbortedError(`Acquiring ${absolute}`, signal.reason);
    const result = attemptAcquire(absolute, kind, createDirectory);
    if (result.status === 'acquired') return new PidFileHandle(absolute, result.pid, kind, result.instance);
    const elapsed = Date.now() - startedAt;
    if (result.status === 'held') {
      if (elapsed >= waitMs) throw result.error;
      busyPolls = 0;
      await pause(Math.min(POLL_MS, waitMs - elapsed), signal, absolute);
    } else {
      busyPolls++;
      if (elapsed >= Math.max(waitMs, BUSY_LIMIT_MS) && result.claimer !== undefined) {
        throw new PidFileHeldError(absolute, result.claimer, undefined, undefined, 'takeover-in-progress', kind);
      }
      await pause(Math.min(2 ** Math.min(busyPolls, 6), POLL_MS), signal, absolute);
    }
  }
}

async function pause(ms: number, signal: AbortSignal | undefined, path: string): Promise<void> {
  try {
    // Referenced on purpose: a caller awaiting acquisition must not see the process exit under it.
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw new AbortedError(`Acquiring ${path}`, signal.reason);
    throw error;
  }
}
