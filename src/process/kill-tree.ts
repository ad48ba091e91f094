import { InvalidOptionError } from '../errors.js';
import { validateDuration, validateOptions, validateSignal } from '../internal/validate.js';
import { waitForTimeout } from '../internal/wait.js';
import { managedTreeOf } from './managed-trees.js';
import { assertPosix, validateSignalName } from './platform.js';
import { isGone, type ProcInfo, readProcess } from './proc-table.js';
import { signalMembers } from './signal-tree.js';
import { collectTree, type TreeSpec } from './tree.js';

const MAX_FREEZE_ROUNDS = 20;
/** How long the abort path waits for SIGKILLed processes to be confirmed dead. */
export const KILL_WAIT_MS = 2000;

/** Beats the fork race: SIGSTOP everything a walk finds, walk again until nothing new appears, then
 * SIGKILL all of it. Every round is a complete walk. Returns every process killed. */
export async function freezeAndKill(spec: TreeSpec): Promise<ProcInfo[]> {
  const frozen = new Map<number, ProcInfo>();
  for (let round = 0; round < MAX_FREEZE_ROUNDS; round++) {
    const members = await collectTree(spec);
    const fresh = members.filter((m) => frozen.get(m.pid)?.startTime !== m.startTime);
    await signalMembers(spec, fresh, 'SIGSTOP');
    for (const m of fresh) frozen.set(m.pid, m);
    if (fresh.length === 0) break;
  }
  const all = [...frozen.values()];
  await signalMembers(spec, all, 'SIGKILL');
  return all;
}

/** Polls until every process is gone (exited, zombie, or its pid reused); returns the survivors. */
export async function waitForGone(
  infos: readonly ProcInfo[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProcInfo[]> {
  const until = performance.now() + timeoutMs;
  let pending = [...infos];
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    const now = await Promise.all(pending.map((p) => readProcess(p.pid)));
    pending = pending.filter((p, i) => !isGone(now[i]) && now[i]?.startTime === p.startTime);
    const left = until - performance.now();
    if (pending.length === 0 || left <= 0 || signal?.aborted === true) return pending;
    await waitForTimeout(Math.min(pause, left), signal, true);
  }
}

export interface KillTreeOptions {
  /** Signal sent to every process of the tree. Default 'SIGTERM'. SIGKILL freezes the tree first. */
  signal?: NodeJS.Signals;
  /** How long to wait for every process to be confirmed dead. Default 5000. */
  timeoutMs?: number;
  /** Aborting escalates to SIGKILL at once (and still waits, bounded). */
  abortSignal?: AbortSignal;
}

export interface KillTreeResult {
  /** Every process of the tree that was signalled. */
  pids: number[];
  /** Processes still alive when the wait ended (empty: a complete walk found none left). */
  survivors: number[];
}

/**
 * Signals `pid` and all its descendants and waits. Every poll is a complete walk (parent links, and
 * for a managed child of this process also its group and its environment marker), so a helper started
 * on the signal, even a setsid'd one whose parent then exits, is found and waited for.
 */
export async function killTree(pid: number, options: KillTreeOptions = {}): Promise<KillTreeResult> {
  assertPosix('killTree');
  if (!Number.isInteger(pid) || pid <= 1) throw new InvalidOptionError('pid', 'an integer > 1', pid);
  validateOptions(options, ['signal', 'timeoutMs', 'abortSignal'], 'killTree()');
  const { signal = 'SIGTERM', timeoutMs = 5000, abortSignal } = options;
  validateSignalName('signal', signal);
  validateDuration('timeoutMs', timeoutMs, false);
  validateSignal('abortSignal', abortSignal);
  const root = await readProcess(pid);
  if (isGone(root) || root === undefined) return { pids: [], survivors: [] };
  const spec = managedTreeOf(root) ?? { known: new Map([[pid, root.startTime]]), pgids: new Map() };
  const seen = new Map<number, ProcInfo>();
  if (signal === 'SIGKILL' || isAborted(abortSignal)) return finishKill(spec, seen, timeoutMs);
  const until = performance.now() + timeoutMs;
  const doneGroups = new Set<number>();
  for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
    const members = await collectTree(spec);
    const fresh = members.filter((m) => seen.get(m.pid)?.startTime !== m.startTime);
    await signalMembers(spec, fresh, [signal, 'SIGCONT'], doneGroups);
    for (const m of fresh) seen.set(m.pid, m);
    if (members.length === 0) return { pids: [...seen.keys()], survivors: [] };
    if (isAborted(abortSignal)) return finishKill(spec, seen, KILL_WAIT_MS);
    const left = until - performance.now();
    if (left <= 0) return { pids: [...seen.keys()], survivors: members.map((m) => m.pid) };
    await waitForTimeout(Math.min(pause, left), abortSignal, true);
  }
}

async function finishKill(spec: TreeSpec, seen: Map<number, ProcInfo>, timeoutMs: number): Promise<KillTreeResult> {
  const killed = await freezeAndKill(spec);
  for (const m of killed) seen.set(m.pid, m);
  const survivors = await waitForGone(killed, timeoutMs);
  return { pids: [...seen.keys()], survivors: survivors.map((m) => m.pid) };
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
