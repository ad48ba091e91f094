import { filterByEnviron, isGone, type ProcInfo, readProcessTable } from './proc-table.js';

/** What belongs to one process tree. Walks add what they find, so orphans stay known after reparenting. */
export interface TreeSpec {
  /** Known members: pid → start time (guards against pid reuse). */
  known: Map<number, string>;
  /** Process groups that belong to the tree wholesale (a managed child's own group): pgid → the
   * leader's start time (undefined when it could not be read). A group counts only while it is
   * provably the same group: see groupIsOurs. */
  pgids: Map<number, string | undefined>;
  /** The whole `LASTCALL_TREE=<value>` environment entry, matched exactly; finds setsid'd orphans (Linux). */
  marker?: string;
  /** The marked child's start time (clock ticks, Linux): a process started earlier cannot have inherited
   * its marker, so only younger processes have their environment read. */
  markerSince?: string;
}

/**
 * The live (non-zombie) members of the tree: known pids (same start time), members of the tree's groups
 * that are still ours, marker holders, and every descendant of those by parent links. Every walk uses
 * every source, so a later walk finds what the first would. Never includes this process or its ancestors.
 */
export async function collectTree(spec: TreeSpec): Promise<ProcInfo[]> {
  const table = await readProcessTable();
  const excluded = ancestorsOfSelf(table);
  const live = [...table.values()].filter((info) => !isGone(info) && !excluded.has(info.pid));
  const members = new Map<number, ProcInfo>();
  for (const info of live) if (spec.known.get(info.pid) === info.startTime) members.set(info.pid, info);
  addGroupsAndDescendants(spec, table, live, members);
  if (spec.marker !== undefined) {
    // Only processes younger than the marked child can have inherited its marker; kernel threads none.
    const since = Number(spec.markerSince ?? 0);
    const kthreadd = table.get(2)?.ppid === 0 ? 2 : -1;
    const young = live.filter(
      (i) => !members.has(i.pid) && i.ppid !== kthreadd && i.ppid !== 0 && Number(i.startTime) >= since,
    );
    const hits = await filterByEnviron(
      young.map((info) => info.pid),
      spec.marker,
    );
    for (const info of young) if (hits.has(info.pid)) members.set(info.pid, info);
    if (hits.size > 0) addGroupsAndDescendants(spec, table, live, members);
  }
  for (const info of members.values()) spec.known.set(info.pid, info.startTime);
  return [...members.values()];
}

/** Records every live process now in group `pgid` as a known member (pid + start time); returns them.
 * Only sound while the group is provably ours, e.g. right after its leader was reaped. */
export async function adoptGroup(spec: TreeSpec, pgid: number): Promise<ProcInfo[]> {
  const members = [...(await readProcessTable()).values()].filter((info) => info.pgid === pgid && !isGone(info));
  for (const info of members) spec.known.set(info.pid, info.startTime);
  return members;
}

/**
 * A process group id is never reused while any process is in the group. So the group is still the one
 * we recorded when its leader (zombie or not) has the recorded start time, or when a process we
 * identified (pid + start time, or our exact marker) is in it now. Otherwise it may be a stranger's.
 */
export function groupIsOurs(
  pgid: number,
  leaderStart: string | undefined,
  table: ReadonlyMap<number, ProcInfo>,
  identified: Iterable<ProcInfo>,
): boolean {
  const leader = table.get(pgid);
  if (leader !== undefined && leaderStart !== undefined && leader.startTime === leaderStart) return true;
  for (const info of identified) if (info.pgid === pgid && !isGone(table.get(info.pid))) return true;
  return false;
}

function addGroupsAndDescendants(
  spec: TreeSpec,
  table: Map<number, ProcInfo>,
  live: ProcInfo[],
  members: Map<number, ProcInfo>,
): void {
  const groups = [...spec.pgids].filter(([pgid, start]) => groupIsOurs(pgid, start, table, members.values()));
  const ours = new Set(groups.map(([pgid]) => pgid));
  for (const info of live) if (ours.has(info.pgid)) members.set(info.pid, info);
  const children = new Map<number, ProcInfo[]>();
  for (const info of live) {
    const list = children.get(info.ppid) ?? [];
    list.push(info);
    children.set(info.ppid, list);
  }
  const queue = [...members.keys()];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    for (const child of children.get(pid) ?? []) {
      if (members.has(child.pid)) continue;
      members.set(child.pid, child);
      queue.push(child.pid);
    }
  }
}

/** This process, pid 1 and every ancestor: never signalled, whatever a walk finds. */
function ancestorsOfSelf(table: Map<number, ProcInfo>): Set<number> {
  const out = new Set<number>([0, 1, process.pid]);
  for (let info = table.get(process.pid); info && !out.has(info.ppid); info = table.get(info.ppid)) out.add(info.ppid);
  return out;
}
