import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { PidFileCorruptError } from '../errors.js';
import { classify, type Machine } from './classify.js';
import { linkExclusive, readInstance, recordText, remove, removeQuietly, sameInstance, writeTemp, type Instance } from './fs-ops.js';
import { formatRecord, newNonce, parseRecord } from './record.js';

/** 'removed': we unlinked the stale instance. 'gone': someone else already did. busy: another process (PID) holds its claim. */
export type TakeoverResult = 'removed' | 'gone' | { busy: number | undefined };

// Each level is a claimer that died mid-takeover; more than a few in a row means something else is wrong.
const MAX_DEPTH = 8;

/**
 * The claim for one stale instance: its name derives from the instance (name, inode, content with
 * its nonce), so claims for different instances never collide and a recycled inode never matches.
 */
export function claimPathFor(base: string, name: string, instance: Instance): string {
  const key = createHash('sha256').update(`${name}\0${instance.dev}:${instance.ino}\0${instance.text}\0${instance.identity ?? ''}`).digest('hex');
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
    const other = readInstance(claim);
    if (other === undefined) return { busy: undefined }; // released between our link and read: look again
    const verdict = classify(parseRecord(recordText(claim, other)), other, machine);
    if (verdict.status === 'corrupt') throw new PidFileCorruptError(claim, verdict.reason, other.text.slice(0, 40));
    if (verdict.status === 'stale' && depth < MAX_DEPTH) removeStale(base, claim, other, machine, depth + 1);
    return { busy: verdict.status === 'held' ? verdict.pid : undefined };
  }
  try {
    if (!sameInstance(stale, readInstance(name))) return 'gone';
    remove(name);
    // Only now: the identity link pins the inode, so its number cannot be reused while the file is there.
    if (stale.identity !== undefined) remove(join(dirname(name), stale.identity));
    return 'removed';
  } finally {
    remove(claim);
  }
}
