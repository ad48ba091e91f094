import { closeSync, constants, fstatSync, futimesSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { type Instance, sameNode } from './fs-ops.js';

/** How often a holder refreshes its file's mtime (the `leaseMs` option's default). */
export const DEFAULT_LEASE_MS = 5000;
/** Periods without a refresh before a file from an uncheckable PID namespace counts as abandoned. */
export const LEASE_PERIODS = 4;

/** True when a file that declares a lease has not been refreshed for LEASE_PERIODS of it. */
export function leaseExpired(leaseMs: number | undefined, mtimeMs: number, now = Date.now()): boolean {
  return leaseMs !== undefined && now - mtimeMs > LEASE_PERIODS * leaseMs;
}

/**
 * Sets the mtime of the file at `path` to now, only if it is provably still `mine`: the same inode,
 * pinned by our identity link (its name holds our nonce) or, without one, with the mtime we last set.
 * Goes through an fd opened without following links, so the check and the update see one inode.
 * Returns the new mtime, or undefined when the file is no longer ours (or cannot be touched).
 */
export function refreshLease(path: string, mine: Instance): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.dev !== mine.dev || stat.ino !== mine.ino) return undefined;
    const pinned = mine.identity !== undefined && sameNode(mine, join(dirname(path), mine.identity));
    if (!pinned && stat.mtimeMs !== mine.mtimeMs) return undefined;
    const now = new Date();
    futimesSync(fd, now, now);
    return fstatSync(fd).mtimeMs;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
