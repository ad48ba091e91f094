// A process tree watched from outside (used by `lastcall doctor`): walk it while it runs, remember
// every member (pid + start time, so a reused pid is never mistaken for one), and after the root
// exits find what is left, including processes that left the group with setsid (environment marker).
import { randomBytes } from 'node:crypto';

import { MARKER_VARIABLE, nextMarker, registerGroup, unregisterGroup } from './guardian.js';
import { freezeAndKill, KILL_WAIT_MS, waitForGone } from './kill-tree.js';
import { isGone, type ProcInfo, readCommand, readProcess, readProcessSync } from './proc-table.js';
import { collectTree, type TreeSpec } from './tree.js';

/** One member of a watched tree, with when it was first and last seen alive (ms, performance.now()). */
export interface WatchedProcess {
  pid: number;
  ppid: number;
  pgid: number;
  startTime: string;
  command: string;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** A fresh `LASTCALL_TREE` value for a process to be watched; put `marker.env` in its environment. */
/** `guarded`: a marker the guardian knows, so the tree is killed if this process dies abruptly. */
export function createTreeMarker(options: { guarded?: boolean } = {}): { name: string; value: string } {
  return {
    name: MARKER_VARIABLE,
    value: options.guarded === true ? nextMarker(true) : `w${process.pid}-${randomBytes(6).toString('hex')}`,
  };
}

interface WatchOptions {
  ownGroup?: boolean;
  marker?: { name: string; value: string };
}

/**
 * Registers a just-spawned group leader (`detached: true`) with the guardian, synchronously: no turn
 * of the event loop in which our SIGKILL would leave it unguarded. With a guarded marker in its
 * environment, its setsid'd descendants die with us too. Returns the release (call once it is gone).
 */
export function guardGroup(pid: number): () => void {
  const info = readProcessSync(pid);
  if (info === undefined || isGone(info)) return () => {};
  registerGroup(pid, info.startTime);
  return () => unregisterGroup(pid);
}

/** Starts watching the tree of a live process; undefined when `rootPid` is already gone. */
export async function watchTree(rootPid: number, options: WatchOptions = {}): Promise<TreeWatch | undefined> {
  const root = await readProcess(rootPid);
  if (root === undefined || isGone(root)) return undefined;
  const watch = new TreeWatch(rootPid, root.startTime, options);
  await watch.walk();
  return watch;
}

export class TreeWatch {
  readonly #spec: TreeSpec;
  readonly #seen = new Map<number, WatchedProcess>();

  /** `rootPid` leads its own process group when `ownGroup` (spawned with `detached: true`). */
  constructor(rootPid: number, rootStartTime: string, options: WatchOptions = {}) {
    this.#spec = {
      known: new Map([[rootPid, rootStartTime]]),
      pgids: new Map(options.ownGroup === true ? [[rootPid, rootStartTime]] : []),
      ...(options.marker
        ? { marker: `${options.marker.name}=${options.marker.value}`, markerSince: rootStartTime }
        : {}),
    };
  }

  /** Walks the tree now (known members, the group while it is ours, the marker, parent links) and returns the live members. */
  async walk(): Promise<WatchedProcess[]> {
    const members = await collectTree(this.#spec);
    const now = performance.now();
    return members.map((info) => this.#record(info, now));
  }

  /** Every process seen in any walk, in order of first sight. */
  get processes(): WatchedProcess[] {
    return [...this.#seen.values()];
  }

  /** SIGSTOPs then SIGKILLs every live member (re-walking to beat forks) and waits until they are gone. */
  async killAll(timeoutMs = KILL_WAIT_MS): Promise<{ killed: WatchedProcess[]; survivors: number[] }> {
    const infos = await freezeAndKill(this.#spec);
    const now = performance.now();
    const killed = infos.map((info) => this.#record(info, now));
    const survivors = await waitForGone(infos, timeoutMs);
    return { killed, survivors: survivors.map((info) => info.pid) };
  }

  #record(info: ProcInfo, now: number): WatchedProcess {
    const known = this.#seen.get(info.pid);
    if (known && known.startTime === info.startTime) {
      known.lastSeenMs = now;
      known.ppid = info.ppid; // reparented once its parent died
      known.command = readCommand(info.pid) || known.command; // after an exec (a shim that execs python3)
      return known;
    }
    const entry: WatchedProcess = {
      pid: info.pid,
      ppid: info.ppid,
      pgid: info.pgid,
      startTime: info.startTime,
      command: readCommand(info.pid) || '?',
      firstSeenMs: now,
      lastSeenMs: now,
    };
    this.#seen.set(info.pid, entry);
    return entry;
  }
}
