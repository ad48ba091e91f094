import { PidFileCorruptError, PidFileHeldError, type PidFileKind } from '../errors.js';
import { classify, type Machine } from './classify.js';
import { linkExclusive, readInstance, removeQuietly, writeTemp, type Instance } from './fs-ops.js';
import { readBootTimeMs, ownIdentity } from './identity.js';
import { formatRecord, newNonce, parseRecord } from './record.js';
import { removeStale } from './takeover.js';

export type AttemptResult =
  | { status: 'acquired'; instance: Instance; pid: number }
  | { status: 'held'; error: PidFileHeldError }
  | { status: 'busy'; claimer: number | undefined };

// Stale files removed in a row before we hand control back to the caller's loop.
const MAX_TAKEOVERS = 16;

/**
 * One try: judge what is at the path. Nothing → link our record into place (EEXIST: judge again).
 * Held → report it; stale → take it over (see takeover.ts) and try again; corrupt → throw. Never blocks.
 */
export function attemptAcquire(path: string, kind: PidFileKind, createDirectory: boolean): AttemptResult {
  const machine: Machine = { self: ownIdentity(), bootTimeMs: readBootTimeMs() };
  let temp: string | undefined;
  try {
    for (let round = 0; round < MAX_TAKEOVERS; round++) {
      // Judge what is there before writing anything: a held file needs no write access to report.
      const current = readInstance(path);
      if (current === undefined) {
        temp ??= writeTemp(path, formatRecord(machine.self, kind, newNonce()), createDirectory);
        if (!linkExclusive(temp, path)) continue; // someone linked first: judge theirs
        const mine = readInstance(temp);
        if (mine === undefined) throw new Error(`The temporary file for ${path} vanished`);
        return { status: 'acquired', instance: mine, pid: machine.self.pid };
      }
      const verdict = classify(parseRecord(current.text), current, machine);
      if (verdict.status === 'corrupt') throw new PidFileCorruptError(path, verdict.reason, current.text.slice(0, 40));
      if (verdict.status === 'held') {
        const { pid, runningForMs, host, reason } = verdict;
        return { status: 'held', error: new PidFileHeldError(path, pid, runningForMs, host, reason, kind) };
      }
      const outcome = removeStale(path, path, current, machine);
      if (typeof outcome === 'object') return { status: 'busy', claimer: outcome.busy };
    }
    return { status: 'busy', claimer: undefined };
  } finally {
    if (temp !== undefined) removeQuietly(temp);
  }
}
