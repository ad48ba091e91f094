import { isAlive, type ProcessIdentity, readCommand, readSinceMs, readStartTime } from './identity.js';
import { leaseExpired } from './lease.js';
import { checkOtherNamespace, INIT_PID_NAMESPACE, readNamespaceStartMs } from './namespace.js';
import type { PidRecord } from './record.js';

/** Why a file is held, stale, or unusable. */
export type Verdict =
  | { status: 'held'; pid: number; reason: HeldReason; host?: string; runningForMs?: number }
  | { status: 'stale'; reason: StaleReason }
  | { status: 'corrupt'; reason: string };

export type HeldReason = 'alive' | 'other-host' | 'other-pid-namespace';
export type StaleReason =
  | 'dead'
  | 'pid-reused'
  | 'rebooted'
  | 'previous-boot'
  | 'pid-namespace-gone'
  | 'pid-namespace-restarted'
  | 'lease-expired';

export interface FileFacts {
  mtimeMs: number;
}

export interface Machine {
  self: ProcessIdentity;
  bootTimeMs: number | undefined;
}

// A bare-PID file older than its process's start by more than this was written by an earlier process.
const START_SLACK_MS = 1000;

/**
 * Held: the recorded process is alive (EPERM counts) and is the same process (start time and boot id
 * match; the command name when no start time can be compared). Stale: dead, PID reused, rebooted, or
 * written before this boot. A file from another host cannot be checked from here, so it is held (two
 * instances are worse than a refused start with a clear error) until a lease it declares runs out.
 * Another PID namespace: see classifyOtherNamespace. Only called on what is provably a PID file (see notAPidFile).
 */
export function classify(record: PidRecord, file: FileFacts, machine: Machine): Verdict {
  const { self, bootTimeMs } = machine;
  const fromEarlierBoot = bootTimeMs !== undefined && file.mtimeMs < bootTimeMs - START_SLACK_MS;
  if (record.pid === undefined) return { status: 'corrupt', reason: 'its first line is not a PID' };
  const pid = record.pid;
  if (!record.tagged) return classifyBare(pid, file, fromEarlierBoot);

  const sameHost = record.host === undefined || record.host === self.host;
  const sameBoot = record.boot === undefined || self.boot === undefined ? undefined : record.boot === self.boot;
  if (sameBoot === false) return sameHost ? { status: 'stale', reason: 'rebooted' } : otherHost(pid, record, file);
  if (!sameHost && sameBoot !== true) return otherHost(pid, record, file);
  // No boot id recorded (an older writer) but written before this boot: every process it named is gone.
  if (record.boot === undefined && fromEarlierBoot) return { status: 'stale', reason: 'previous-boot' };
  if (record.pidns !== undefined && self.pidns !== undefined && record.pidns !== self.pidns) {
    return classifyOtherNamespace(pid, record, file, self, self.pidns, record.pidns);
  }
  if (!isAlive(pid)) return { status: 'stale', reason: 'dead' };
  const start = readStartTime(pid);
  if (record.start !== undefined && start !== undefined) {
    if (record.start !== start) return { status: 'stale', reason: 'pid-reused' };
  } else if (record.cmd !== undefined) {
    // No start time to compare (not recorded, or not readable here): the command name is the check.
    const cmd = readCommand(pid);
    if (cmd !== undefined && cmd !== record.cmd) return { status: 'stale', reason: 'pid-reused' };
  }
  return held(pid, start, record.host);
}

/**
 * Another host: its processes cannot be checked from here, so the file is held, unless it declares a
 * lease its holder stopped refreshing. Its mtime comes from the other host's clock: 4 lease periods
 * (20 s by default) leave room for clocks that agree to a few seconds (NTP).
 */
function otherHost(pid: number, record: PidRecord, file: FileFacts): Verdict {
  if (leaseExpired(record.leaseMs, file.mtimeMs)) return { status: 'stale', reason: 'lease-expired' };
  return foreign(pid, record, 'other-host');
}

/**
 * A PID from another namespace means something only on the same kernel (same boot id). Visible from
 * here (nested in ours, or we are the initial namespace): checked exactly. Invisible (a sibling
 * container): stale as a restart of the same container — same host name, and the file older than
 * every process in our namespace, so its writer's namespace ended before ours began — or when the
 * file declares a lease its holder stopped refreshing (same kernel: one clock). Else held.
 */
function classifyOtherNamespace(
  pid: number,
  record: PidRecord,
  file: FileFacts,
  self: ProcessIdentity,
  ours: string,
  theirs: string,
): Verdict {
  if (record.boot === undefined || record.boot !== self.boot) return foreign(pid, record, 'other-pid-namespace');
  const evidence = checkOtherNamespace(theirs, pid, record.start, ours);
  if (evidence.status === 'alive') {
    const { sinceMs } = evidence;
    const runningFor = sinceMs !== undefined ? { runningForMs: Math.max(0, Math.round(Date.now() - sinceMs)) } : {};
    return { status: 'held', pid: evidence.pid, reason: 'alive', ...runningFor };
  }
  if (evidence.status === 'gone') return { status: 'stale', reason: 'pid-namespace-gone' };
  const ourStartMs = readNamespaceStartMs();
  const restarted = theirs !== INIT_PID_NAMESPACE && record.host === self.host && ourStartMs !== undefined;
  if (restarted && file.mtimeMs < ourStartMs - START_SLACK_MS)
    return { status: 'stale', reason: 'pid-namespace-restarted' };
  if (leaseExpired(record.leaseMs, file.mtimeMs)) return { status: 'stale', reason: 'lease-expired' };
  return foreign(pid, record, 'other-pid-namespace');
}

/** A file with only a PID (another tool wrote it, or an older format): judged by its age. */
function classifyBare(pid: number, file: FileFacts, fromEarlierBoot: boolean): Verdict {
  if (fromEarlierBoot) return { status: 'stale', reason: 'previous-boot' };
  if (!isAlive(pid)) return { status: 'stale', reason: 'dead' };
  const start = readStartTime(pid);
  const sinceMs = readSinceMs(pid, start);
  if (sinceMs !== undefined && sinceMs > file.mtimeMs + START_SLACK_MS)
    return { status: 'stale', reason: 'pid-reused' };
  return held(pid, start, undefined);
}

function held(pid: number, start: string | undefined, host: string | undefined): Verdict {
  const sinceMs = readSinceMs(pid, start);
  return {
    status: 'held',
    pid,
    reason: 'alive',
    ...(host !== undefined ? { host } : {}),
    ...(sinceMs !== undefined ? { runningForMs: Math.max(0, Math.round(Date.now() - sinceMs)) } : {}),
  };
}

function foreign(pid: number, record: PidRecord, reason: HeldReason): Verdict {
  return {
    status: 'held',
    pid,
    reason,
    ...(record.host !== undefined ? { host: record.host } : {}),
    ...(record.sinceMs !== undefined ? { runningForMs: Math.max(0, Date.now() - record.sinceMs) } : {}),
  };
}
