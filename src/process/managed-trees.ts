import type { ProcInfo } from './proc-table.js';
import type { TreeSpec } from './tree.js';

/** The trees of this process's live managed children, by pid, so killTree(child.pid) uses the same
 * complete discovery (group, environment marker) as close(). */
const trees = new Map<number, { startTime: string | undefined; spec: TreeSpec }>();

export function rememberManagedTree(pid: number, startTime: string | undefined, spec: TreeSpec): void {
  trees.set(pid, { startTime, spec });
}

export function forgetManagedTree(pid: number, spec: TreeSpec): void {
  if (trees.get(pid)?.spec === spec) trees.delete(pid);
}

/** The tree spec of `root` when it is a managed child of ours: same pid and same start time. */
export function managedTreeOf(root: ProcInfo): TreeSpec | undefined {
  const entry = trees.get(root.pid);
  return entry !== undefined && entry.startTime === root.startTime ? entry.spec : undefined;
}
