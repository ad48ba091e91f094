import { sendSignal } from './platform.js';
import { type ProcInfo, readProcesses } from './proc-table.js';
import { groupIsOurs, type TreeSpec } from './tree.js';

/** What one delivery reached: whole process groups, and single processes. */
export interface SignalledTargets {
  groups: number[];
  pids: number[];
}

/**
 * Signals members of a tree, each identity-checked right before the signal. A whole group (one
 * kill(-pgid) also reaches members no walk has seen yet) only while it is provably ours (groupIsOurs,
 * re-read now); otherwise, and for members outside the tree's groups, each process alone, and only if
 * it still has the start time it was identified by. Groups in `doneGroups` were signalled already:
 * their new members get single signals, so no process receives the same signal twice. Several
 * signals (e.g. SIGTERM then SIGCONT) go, in order, to the same checked targets.
 */
export async function signalMembers(
  spec: TreeSpec,
  members: readonly ProcInfo[],
  signals: NodeJS.Signals | readonly NodeJS.Signals[],
  doneGroups = new Set<number>(),
): Promise<SignalledTargets> {
  const now = await readProcesses([...members.map((m) => m.pid), ...spec.pgids.keys()]);
  const same = members.filter((m) => now.get(m.pid)?.startTime === m.startTime);
  const current = same.map((m) => now.get(m.pid) as ProcInfo);
  const groups: number[] = [];
  for (const [pgid, leaderStart] of spec.pgids) {
    if (doneGroups.has(pgid) || !current.some((c) => c.pgid === pgid)) continue;
    if (groupIsOurs(pgid, leaderStart, now, current)) groups.push(pgid);
  }
  for (const pgid of groups) doneGroups.add(pgid);
  const pids = current.filter((c) => !groups.includes(c.pgid)).map((c) => c.pid);
  for (const signal of typeof signals === 'string' ? [signals] : signals) {
    for (const pgid of groups) sendSignal(-pgid, signal);
    for (const pid of pids) sendSignal(pid, signal);
  }
  return { groups, pids };
}
