import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { AbortedError, PidFileHeldError, type PidFileKind } from '../errors.js';
import {
  validateBoolean,
  validateDuration,
  validateInteger,
  validateOptions,
  validateSignal,
  validateString,
} from '../internal/validate.js';
import { attemptAcquire } from './attempt.js';
import { PidFileHandle } from './handle.js';
import { DEFAULT_LEASE_MS } from './lease.js';

export interface AcquireOptions {
  /** Create the file's directory (mode 0755) when missing. Default false: a typed error names it. */
  createDirectory?: boolean;
  /** Poll this long for a held file to become free, then throw the held error. Default 0. */
  waitMs?: number;
  /** Aborts waiting (rejects with ERR_ABORTED). */
  signal?: AbortSignal;
  /**
   * While held, the file's mtime is refreshed this often (ms, integer >= 100). Another PID namespace
   * that cannot check the holder treats the file as abandoned after 4 periods without a refresh. Default 5000.
   */
  leaseMs?: number;
}

const KNOWN = ['createDirectory', 'waitMs', 'signal', 'leaseMs'] as const;
const MIN_LEASE_MS = 100;
const POLL_MS = 50;
// A live claimer finishes in microseconds; one that stays busy this long is stopped or wedged.
const BUSY_LIMIT_MS = 5000;

export async function acquire(
  path: unknown,
  options: unknown,
  kind: PidFileKind,
  where: string,
): Promise<PidFileHandle> {
  validateString('path', path);
  validateOptions(options, KNOWN, where);
  const given = options as Record<string, unknown> | undefined;
  const createDirectory = given?.createDirectory ?? false;
  const waitMs = given?.waitMs ?? 0;
  const signal = given?.signal;
  const leaseMs = given?.leaseMs ?? DEFAULT_LEASE_MS;
  validateInteger('leaseMs', leaseMs, MIN_LEASE_MS);
  validateBoolean('createDirectory', createDirectory);
  validateDuration('waitMs', waitMs);
  validateSignal('signal', signal);

  const absolute = resolve(path);
  const startedAt = Date.now();
  let busyPolls = 0;
  for (;;) {
    if (signal?.aborted) throw new AbortedError(`Acquiring ${absolute}`, signal.reason);
    const result = attemptAcquire(absolute, kind, createDirectory, leaseMs);
    if (result.status === 'acquired') return new PidFileHandle(absolute, { ...result, kind, leaseMs });
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
