import { validateDuration, validateOptions, validateSignal } from '../core/validate.js';
import { InvalidOptionError } from '../errors.js';
import { waitForTimeout } from '../core/wait.js';
import { assertPosix, sendSignal } from './platform.js';
import { isGone, type ProcInfo, readProcess } from './proc-table.js';
import { collectTree, type TreeSpec } from './tree.js';

const MAX_FREEZE_ROUNDS = 20;
/** How long the abort path waits for SIGKILLed processes to be confirmed dead. */
export const KILL_WAIT_MS = 2000;

export interface SignalPlan {
  groups: number[];
  pids: number[];
}

/** Whole groups where the tree owns the group (one kill(-pgid) reaches every member, even ones a walk
 * has not seen yet), single pids otherwise. Groups in `doneGroups` were signalled already: their new
 * members get single signals, so no process receives the same signal twice. */
export function planSignals(spec: TreeSpec, members: readonly ProcInfo[], doneGroups = new Set<number>()): SignalPlan {
  const groups = new Set<number>();
  for (const m of members) if (spec.pgids.has(m.pgid) && !doneGroups.has(m.pgid)) groups.add(m.pgid);
  for (const g of groups) doneGroups.add(g);
  return { groups: [...groups], pids: members.filter((m) => !groups.has(m.pgid)).map((m) => m.pid) };
}

export function deliverSignal(plan: SignalPlan, signal: NodeJS.Signals): void {
  for (const pgid of plan.groups) sendSignal(-pgid, signal);
  for (const pid of plan.pids) sendSignal(pid, signal);
}

export function signalMembers(spec: TreeSpec, members: readonly ProcInfo[], signal: NodeJS.Signals): void {
  deliverSignal(planSignals(spec, members), signal);
}

/** Beats the fork race: SIGSTOP everything a walk finds, walk again until nothing new appears, then
 * SIGKILL all of it. Returns every process killed. */
export async function freezeAndKill(spec: TreeSpec): Promise<ProcInfo[]> {
  const frozen = new Map<number, ProcInfo>();
  for (let round = 0; round < MAX_FREEZE_ROUNDS; round++) {
    const members = await collectTree(spec, { environ: round === 0 });
    const fresh = members.filter((m) => !frozen.has(m.pid));
    signalMembers(spec, fresh, 'SIGSTOP');
    for (const m of fresh) frozen.set(m.pid, m);
    if (fresh.length === 0) break;
  }
  const all = [...frozen.values()];
  signalMembers(spec, all, 'SIGKILL');
  return all;
}

/** Polls until every process is gone (exited, zombie, or its pid reused); returns the survivors. */
export async function waitForGone(infos: readonly ProcInfo[], timeoutMs: number, signal?: AbortSignal): Promise<ProcInfo[]> {
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
  /** Processes still alive when the wait ended (empty: all confirmed dead). */
  survivors: number[];
}

/** Signals `pid` and all its descendants (by parent links, re-walked to catch new forks) and waits. */
export async function killTree(pid: number, options: KillTreeOptions = {}): Promise<KillTreeResult> {
  assertPosix('killTree');
  if (!Number.isInteger(pid) || pid <= 1) throw new InvalidOptionError('pid', 'an integer > 1', pid);
  validateOptions(options, ['signal', 'timeoutMs', 'abortSignal'], 'killTree()');
  const { signal = 'SIGTERM', timeoutMs = 5000, abortSignal } = options;
  if (typeof signal !== 'string' || !/^SIG[A-Z0-9]+$/.test(signal)) throw new InvalidOptionError('signal', 'a signal name such as "SIGTERM"', signal);
  validateDuration('timeoutMs', timeoutMs, false);
  validateSignal('abortSignal', abortSignal);
  const root = await readProcess(pid);
  if (isGone(root) || root === undefined) return { pids: [], survivors: [] };
  const spec: TreeSpec = { known: new Map([[pid, root.startTime]]), pgids: new Set() };
  const seen = new Map<number, ProcInfo>();
  if (signal === 'SIGKILL' || isAborted(abortSignal)) return finishKill(spec, seen, timeoutMs);
  const until = performance.now() + timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
    const members = await collectTree(spec);
    const fresh = members.filter((m) => !seen.has(m.pid));
    signalMembers(spec, fresh, signal);
    signalMembers(spec, fresh, 'SIGCONT');
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
