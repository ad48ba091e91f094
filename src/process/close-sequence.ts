import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ProcessSurvivorsError } from '../errors.js';
import { freezeAndKill, KILL_WAIT_MS, waitForGone } from './kill-tree.js';
import { waitForSettled } from '../core/wait.js';
import type { ProcInfo } from './proc-table.js';
import { signalMembers } from './signal-tree.js';
import { collectTree, type TreeSpec } from './tree.js';

export type Escalation = 'exit' | 'sigterm' | 'sigkill';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CloseResult extends ExitInfo {
  /** The strongest step the tree needed: it exited after EOF, after SIGTERM, or was SIGKILLed. */
  escalation: Escalation;
  durationMs: number;
}

export interface CloseTarget {
  child: ChildProcess;
  spec: TreeSpec;
  exit: Promise<ExitInfo>;
  hasExited(): boolean;
  graceMs: number;
  termMs: number;
  /** What the tree gets first. Default SIGTERM. */
  stopSignal?: NodeJS.Signals;
}

/**
 * EOF → grace → SIGTERM+SIGCONT to the tree → term → freeze and SIGKILL → wait. Output keeps flowing
 * the whole time, so a child blocked writing to a full pipe is released rather than waited on.
 * `force` (an aborted close signal) skips straight to SIGKILL.
 */
export async function runCloseSequence(t: CloseTarget, force: AbortSignal): Promise<CloseResult> {
  const started = performance.now();
  let escalation: Escalation = 'exit';
  // Learn the tree before anything exits: orphans lose their parent link when their parent dies.
  const before = t.hasExited() ? undefined : await collectTree(t.spec);
  const hadInput = sendEndOfInput(t.child);
  keepDraining(t.child);
  const waited = hadInput && !t.hasExited() && !force.aborted;
  if (waited) await waitForSettled(t.exit, t.graceMs, force, true);

  // Every walk is complete (group, parent links, exact marker); the escalation names only a step that
  // actually reached a process, so a child that exited on EOF is reported 'exit'. With no EOF wait,
  // the first walk is still current (every signal re-checks identity), so it is not repeated.
  let members = waited || before === undefined ? await collectTree(t.spec) : before;
  if (members.length > 0 && !force.aborted) {
    releaseStalledOutput(t.child);
    const term = await terminate(t, members, force);
    if (term.signalled) escalation = 'sigterm';
    members = term.left;
  }
  if (members.length > 0) {
    const killed = await freezeAndKill(t.spec);
    if (killed.length > 0) escalation = 'sigkill';
    const survivors = await waitForGone(killed, KILL_WAIT_MS);
    if (survivors.length > 0) throw new ProcessSurvivorsError(survivors.map((s) => s.pid), KILL_WAIT_MS);
  }
  const info = (await waitForSettled(t.exit, KILL_WAIT_MS, undefined, true)) ? await t.exit : undefined;
  const code = info?.code ?? t.child.exitCode;
  const signal = info?.signal ?? t.child.signalCode;
  return { code, signal, escalation, durationMs: performance.now() - started };
}

/** While the child lives, the tree is re-walked this often (newcomers get the stop signal too); its
 * exit wakes the wait at once. */
const RUNNING_WALK_MS = 50;

/** SIGTERM (+SIGCONT, for stopped processes) to the tree, then waits until it is empty or termMs is up.
 * The child's exit is awaited as an event; after it, a complete walk at once, and while members remain
 * only they are polled (cheap), with a complete walk each time they are gone or a pause ends, so
 * processes that appear meanwhile are found and get the same signals. Returns the members still alive
 * and whether any process was signalled at all. */
async function terminate(t: CloseTarget, first: ProcInfo[], force: AbortSignal): Promise<{ left: ProcInfo[]; signalled: boolean }> {
  const until = performance.now() + t.termMs;
  const signalled = new Map<number, string>();
  const doneGroups = new Set<number>();
  let reached = false;
  let members = first;
  for (let pause = 4; ; ) {
    const fresh = members.filter((m) => signalled.get(m.pid) !== m.startTime);
    const sent = await signalMembers(t.spec, fresh, [t.stopSignal ?? 'SIGTERM', 'SIGCONT'], doneGroups);
    reached ||= sent.groups.length + sent.pids.length > 0;
    for (const m of fresh) signalled.set(m.pid, m.startTime);
    const left = until - performance.now();
    if (left <= 0 || force.aborted) return { left: members, signalled: reached };
    if (!t.hasExited()) await waitForSettled(t.exit, Math.min(RUNNING_WALK_MS, left), force, true);
    else {
      await waitForGone(members, Math.min(pause, left), force);
      pause = Math.min(pause * 2, 50);
    }
    members = await collectTree(t.spec);
    if (members.length === 0) return { left: members, signalled: reached };
  }
}

/** Ends stdin and disconnects IPC; true when the child had either, i.e. a way to hear "please exit". */
function sendEndOfInput(child: ChildProcess): boolean {
  let had = false;
  const stdin = child.stdin;
  if (stdin && !stdin.destroyed && stdin.writable) {
    had = true;
    // EPIPE here only means the child already closed its end.
    stdin.on('error', () => {});
    stdin.end();
  }
  if (child.connected) {
    had = true;
    child.disconnect();
  }
  return had;
}

/** Flowing mode: whatever listeners the caller attached still get the data; otherwise it is discarded. */
function keepDraining(child: ChildProcess): void {
  for (const stream of [child.stdout, child.stderr]) if (stream && !stream.destroyed) stream.resume();
}

/** A consumer that paused (e.g. a stalled pipe destination) would keep the child blocked: let go. */
function releaseStalledOutput(child: ChildProcess): void {
  for (const stream of [child.stdout, child.stderr] as (Readable | null)[]) {
    if (stream && !stream.destroyed && stream.readableFlowing === false) stream.destroy();
  }
}
