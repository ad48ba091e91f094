import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { classify, type Machine } from './classify.js';
import { type Instance, removeQuietly } from './fs-ops.js';
import { identityLineOf, identityPrefix, parseRecord } from './record.js';

/**
 * Removes identity links left by processes that died between unlinking their file and its identity
 * link (or before linking their temp file into place). A link whose process is alive is kept: it may
 * be a starter about to try its link(). Runs right after we acquired, so none of them is the file's.
 */
export function sweepIdentityLinks(path: string, mine: Instance, machine: Machine): void {
  const base = basename(path);
  const prefix = identityPrefix(base);
  let names: string[];
  try {
    names = readdirSync(dirname(path)).filter((name) => name.startsWith(prefix) && name !== mine.identity);
  } catch {
    return; // best effort: we already hold the file, and leftovers are harmless
  }
  for (const name of names) {
    const full = join(dirname(path), name);
    try {
      const stat = lstatSync(full);
      if (stat.ino === mine.ino && stat.dev === mine.dev) continue;
      const pid = /(?:^|,)pid=(\d+)/.exec(name.slice(prefix.length))?.[1];
      const record = parseRecord(`${pid ?? ''}\n${identityLineOf(base, name)}`);
      if (classify(record, stat, machine).status === 'stale') removeQuietly(full);
    } catch {
      // Gone meanwhile, or unreadable: a leftover name costs nothing.
    }
  }
}
