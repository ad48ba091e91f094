import { basename } from 'node:path';

import { PidFileCorruptError, PidFileHeldError, type PidFileKind } from '../errors.js';
import { classify, type Machine, type StaleReason } from './classify.js';
import { type Instance, linkExclusive, readInstance, recordText, removeQuietly, writeTemp } from './fs-ops.js';
import { ownIdentity, readBootTimeMs } from './identity.js';
import { formatIdentityName, newNonce, notAPidFile, parseRecord } from './record.js';
import { sweepIdentityLinks } from './sweep.js';
import { removeStale } from './takeover.js';

export type AttemptResult =
  | { status: 'acquired'; instance: Instance; pid: number; takeover: Takeover | undefined }
  | { status: 'held'; error: PidFileHeldError }
  | { status: 'busy'; claimer: number | undefined };

/** The last stale file this acquisition replaced: whose it was and why it counted as stale. */
export interface Takeover {
  pid: number;
  reason: StaleReason;
}

// Stale files removed in a row before we hand control back to the caller's loop.
const MAX_TAKEOVERS = 16;

/**
 * One try: judge what is at the path. Nothing → link our record into place (EEXIST: judge again).
 * Held → report it; stale → take it over (see takeover.ts) and try again; corrupt → throw. Never blocks.
 */
export function attemptAcquire(
  path: string,
  kind: PidFileKind,
  createDirectory: boolean,
  leaseMs: number,
): AttemptResult {
  const machine: Machine = { self: ownIdentity(), bootTimeMs: readBootTimeMs() };
  // Our identity link doubles as the temp file: linked into place, it stays as the file's second name.
  let temp: string | undefined;
  let acquired = false;
  let takeover: Takeover | undefined;
  try {
    for (let round = 0; round < MAX_TAKEOVERS; round++) {
      // Judge what is there before writing anything: a held file needs no write access to report.
      const current = readInstance(path);
      if (current === undefined) {
        const name = formatIdentityName(basename(path), machine.self, kind, newNonce(), leaseMs);
        temp ??= writeTemp(path, `${machine.self.pid}\n`, createDirectory, name);
        if (!linkExclusive(temp, path)) continue; // someone linked first: judge theirs
        acquired = true;
        const mine = readInstance(path);
        if (mine?.identity === undefined) throw new Error(`The file ${path} vanished right after it was created`);
        sweepIdentityLinks(path, mine, machine);
        return { status: 'acquired', instance: mine, pid: machine.self.pid, takeover };
      }
      // Provably a PID file first: whatever it says, anything else is never removed or replaced.
      const notPidFile = notAPidFile(current.text, current.size);
      if (notPidFile !== undefined) throw new PidFileCorruptError(path, notPidFile, current.text.slice(0, 40));
      const record = parseRecord(recordText(path, current));
      const verdict = classify(record, current, machine);
      if (verdict.status === 'corrupt') throw new PidFileCorruptError(path, verdict.reason, current.text.slice(0, 40));
      if (verdict.status === 'held') {
        const { pid, runningForMs, host, reason } = verdict;
        return { status: 'held', error: new PidFileHeldError(path, pid, runningForMs, host, reason, kind) };
      }
      const outcome = removeStale(path, path, current, machine);
      if (typeof outcome === 'object') return { status: 'busy', claimer: outcome.busy };
      if (outcome === 'removed' && record.pid !== undefined) takeover = { pid: record.pid, reason: verdict.reason };
    }
    return { status: 'busy', claimer: undefined };
  } finally {
    if (temp !== undefined && !acquired) removeQuietly(temp);
  }
}
