import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

import { ProcessSurvivorsError } from '../errors.js';
import { waitForSettled } from '../internal/wait.js';
import { freezeAndKill, KILL_WAIT_MS, waitForGone } from './kill-tree.js';
import { type ProcInfo, readCommand } from './proc-table.js';
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

/** One process a close found in the child's tree (the child included), and what it took. */
export interface ClosedProcess {
  pid: number;
  /** Its command line when first signalled ('' if it could not be read: gone already, or not Linux). */
  command: string;
  /** The last signal it was sent: the stop signal, or SIGKILL. */
  signal: NodeJS.Signals;
  /** Still alive after SIGKILL and the confirmation wait. */
  survived: boolean;
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
  /** Filled in as the close goes (also when it rejects): `<pid>:<start time>` → what that process took. */
  processes: Map<string, ClosedProcess>;
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
    const commands = new Map(members.map((m) => [m.pid, commandOf(t, m)])); // read while they live
    const killed = await freezeAndKill(t.spec);
    if (killed.length > 0) escalation = 'sigkill';
    for (const m of killed) record(t, m, 'SIGKILL', commands.get(m.pid) ?? commandOf(t, m));
    const survivors = await waitForGone(killed, KILL_WAIT_MS);
    for (const m of survivors) record(t, m, 'SIGKILL', '', true);
    if (survivors.length > 0)
      throw new ProcessSurvivorsError(
        survivors.map((s) => s.pid),
        KILL_WAIT_MS,
      );
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
async function terminate(
  t: CloseTarget,
  first: ProcInfo[],
  force: AbortSignal,
): Promise<{ left: ProcInfo[]; signalled: boolean }> {
  const until = performance.now() + t.termMs;
  const signalled = new Map<number, string>();
  const doneGroups = new Set<number>();
  let reached = false;
  let members = first;
  for (let pause = 4; ;) {
    const fresh = members.filter((m) => signalled.get(m.pid) !== m.startTime);
    const commands = fresh.map((m) => commandOf(t, m)); // read while they live
    const stopSignal = t.stopSignal ?? 'SIGTERM';
    const sent = await signalMembers(t.spec, fresh, [stopSignal, 'SIGCONT'], doneGroups);
    reached ||= sent.groups.length + sent.pids.length > 0;
    fresh.forEach((m, i) => {
      signalled.set(m.pid, m.startTime);
      if (sent.pids.includes(m.pid) || sent.groups.includes(m.pgid)) record(t, m, stopSignal, commands[i] ?? '');
    });
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

/** The child's own command line is known; a descendant's is read from /proc (before any signal). */
function commandOf(t: CloseTarget, m: ProcInfo): string {
  return m.pid === t.child.pid ? t.child.spawnargs.join(' ') : readCommand(m.pid);
}

function record(t: CloseTarget, m: ProcInfo, signal: NodeJS.Signals, command: string, survived = false): void {
  const key = `${m.pid}:${m.startTime}`;
  const known = t.processes.get(key);
  if (known) Object.assign(known, { signal, survived });
  else t.processes.set(key, { pid: m.pid, command, signal, survived });
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
