import { filterByEnviron, isGone, type ProcInfo, readProcessTable } from './proc-table.js';

/** What belongs to one process tree. Walks add what they find, so orphans stay known after reparenting. */
export interface TreeSpec {
  /** Known members: pid → start time (guards against pid reuse). */
  known: Map<number, string>;
  /** Process groups that belong to the tree wholesale (a managed child's own group). */
  pgids: Set<number>;
  /** `LASTCALL_TREE=<token>` inherited through the environment; finds setsid'd orphans (Linux). */
  marker?: string;
}

/** The live (non-zombie) members of the tree: known pids, group members, marker holders, and every
 * descendant of those by parent links. Never includes this process or its ancestors. */
export async function collectTree(spec: TreeSpec, options: { environ?: boolean } = {}): Promise<ProcInfo[]> {
  const table = await readProcessTable();
  const excluded = ancestorsOfSelf(table);
  const members = new Map<number, ProcInfo>();
  const candidates: ProcInfo[] = [];
  for (const info of table.values()) {
    if (isGone(info) || excluded.has(info.pid)) continue;
    if (spec.pgids.has(info.pgid) || spec.known.get(info.pid) === info.startTime) members.set(info.pid, info);
    else candidates.push(info);
  }
  const marker = spec.marker;
  if (options.environ === true && marker !== undefined) {
    const hits = await filterByEnviron(candidates.map((info) => info.pid), marker);
    for (const info of candidates) if (hits.has(info.pid)) members.set(info.pid, info);
  }
  addDescendants(table, members, excluded);
  for (const info of members.values()) spec.known.set(info.pid, info.startTime);
  return [...members.values()];
}

function addDescendants(table: Map<number, ProcInfo>, members: Map<number, ProcInfo>, excluded: Set<number>): void {
  const children = new Map<number, ProcInfo[]>();
  for (const info of table.values()) {
    if (isGone(info) || excluded.has(info.pid)) continue;
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
