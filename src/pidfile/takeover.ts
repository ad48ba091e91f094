import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

import { PidFileCorruptError } from '../errors.js';
import { classify, type Machine } from './classify.js';
import {
  type Instance,
  linkExclusive,
  moveAside,
  readInstance,
  recordText,
  remove,
  removeQuietly,
  sameInstance,
  writeTemp,
} from './fs-ops.js';
import { formatRecord, newNonce, notAPidFile, parseRecord } from './record.js';

/** 'removed': we unlinked the stale instance. 'gone': someone else already did. busy: another process (PID) holds its claim. */
export type TakeoverResult = 'removed' | 'gone' | { busy: number | undefined };

// Each level is a claimer that died mid-takeover (or a squatter); more than a few in a row is planted.
const MAX_DEPTH = 8;
// A live claimer holds its claim for microseconds; one another host or namespace left this long ago is not live.
const UNCHECKABLE_CLAIM_MS = 5000;

type ClaimVerdict = { status: 'live'; pid: number } | { status: 'stale' } | { status: 'squatter' };

/**
 * The claim for one stale instance: its name derives from the instance (name, inode, content with
 * its nonce), so claims for different instances never collide and a recycled inode never matches.
 */
export function claimPathFor(base: string, name: string, instance: Instance): string {
  const key = createHash('sha256')
    .update(`${name}\0${instance.dev}:${instance.ino}\0${instance.text}\0${instance.identity ?? ''}`)
    .digest('hex');
  return join(dirname(base), `.${basename(base)}.takeover-${key.slice(0, 20)}`);
}

/**
 * Removes `stale` from `name` only if it is still there, and only while holding its claim file.
 *
 * Why this admits one winner: a stale instance leaves its name only through its claim holder (its
 * owner is dead), and the claim is created with link(), so one process at a time holds it. The
 * holder checks, after creating the claim, that the same inode with the same content is still at
 * `name`; nothing else can remove it in between, so the unlink removes exactly the stale file and
 * never a fresh one. The empty path is then won by exactly one link(). A claim whose holder died is
 * itself a stale instance and is removed by the same procedure, one level up. The instance includes
 * the identity link's name, whose nonce is unique, so a snapshot never matches a newer file.
 */
export function removeStale(base: string, name: string, stale: Instance, machine: Machine, depth = 0): TakeoverResult {
  const claim = claimPathFor(base, name, stale);
  const temp = writeTemp(base, formatRecord(machine.self, 'claim', newNonce()), false);
  let claimed: boolean;
  try {
    claimed = linkExclusive(temp, claim);
  } finally {
    removeQuietly(temp);
  }
  if (!claimed) {
    const other = readInstance(claim, true);
    if (other === undefined) return { busy: undefined }; // released between our link and read: look again
    const verdict = judgeClaim(claim, other, machine);
    if (verdict.status === 'live') return { busy: verdict.pid };
    // Not a valid live claim: cleared one level up by this same procedure, so never from under a live claimer.
    if (depth >= MAX_DEPTH) {
      throw new PidFileCorruptError(
        claim,
        `${MAX_DEPTH} nested takeover claims are in the way (planted?)`,
        other.text.slice(0, 40),
      );
    }
    removeStale(base, claim, other, machine, depth + 1);
    return { busy: undefined };
  }
  try {
    if (!sameInstance(stale, readInstance(name, depth > 0))) return 'gone';
    if (depth > 0 && judgeClaim(name, stale, machine).status === 'squatter') {
      moveAside(name); // not ours to delete, only to move out of our claim's way (a link is renamed, not followed)
      return 'removed';
    }
    remove(name);
    // Only now: the identity link pins the inode, so its number cannot be reused while the file is there.
    if (stale.identity !== undefined) remove(join(dirname(name), stale.identity));
    return 'removed';
  } finally {
    remove(claim);
  }
}

/**
 * A valid claim is a lastcall claim record (a regular file, kind=claim) whose holder is alive and the
 * same process. Anything else at a claim name (a symlink, a directory, foreign content) is a squatter.
 */
function judgeClaim(path: string, instance: Instance, machine: Machine): ClaimVerdict {
  if (instance.type !== 'file' || notAPidFile(instance.text, instance.size) !== undefined)
    return { status: 'squatter' };
  const record = parseRecord(recordText(path, instance));
  if (!record.tagged || record.kind !== 'claim' || record.start === undefined) return { status: 'squatter' };
  const verdict = classify(record, instance, machine);
  if (verdict.status === 'corrupt') return { status: 'squatter' };
  if (verdict.status === 'stale') return { status: 'stale' };
  if (verdict.reason === 'alive' || Date.now() - instance.mtimeMs < UNCHECKABLE_CLAIM_MS)
    return { status: 'live', pid: verdict.pid };
  return { status: 'stale' };
}
