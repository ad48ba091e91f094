// The audited service as doctor sees it: spawned in its own process group with PORT, the tree marker
// and (for --explain) the preload; its output drained (a full pipe must never be doctor's doing), its
// exit observed, its process tree walked every 100 ms through lastcall/process. The tree carries the
// guardian's marker and its group is registered: a SIGKILLed doctor takes the service down with it.
import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';

import { readProcStat } from '../../internal/proc-stat.js';
import { createTreeMarker, guardGroup, type TreeWatch, watchTree } from '../../process/index.js';

export interface ServiceExit {
  atMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

const TAIL_CHARS = 4000;
const STOP_WAIT_MS = 3000;
const GROUP_KILL_ROUNDS = 50;
/** Services whose tree doctor has not yet confirmed gone (the root may have exited: a daemon's did). */
const live = new Set<Service>();

/** Doctor is leaving early (its own signal or error): SIGKILL every tree it started, setsid'd members
 * included (found by the marker), and wait (bounded) until they are gone. */
export async function stopLiveServices(): Promise<void> {
  const stops = [...live].map(async (service) => {
    const pid = service.child.pid;
    if (pid === undefined) return;
    try {
      if (service.exit === undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await service.watch?.killAll(STOP_WAIT_MS);
    service.release();
  });
  await Promise.allSettled(stops);
}
const WALK_INTERVAL_MS = 100;

export class Service {
  readonly child: ChildProcess;
  readonly exited: Promise<ServiceExit>;
  readonly marker = createTreeMarker({ guarded: true });
  exit: ServiceExit | undefined;
  spawnError: Error | undefined;
  watch: TreeWatch | undefined;
  #output = '';
  #walking = false;
  #unguard: () => void = () => {};

  constructor(
    command: readonly string[],
    env: NodeJS.ProcessEnv,
    readonly originMs: number,
    extraFds: number,
  ) {
    const stdio: StdioOptions = ['ignore', 'pipe', 'pipe', ...Array.from({ length: extraFds }, () => 'pipe' as const)];
    this.child = spawn(command[0] as string, command.slice(1), {
      detached: true,
      stdio,
      env: { ...env, [this.marker.name]: this.marker.value },
    });
    if (this.child.pid !== undefined) this.#unguard = guardGroup(this.child.pid);
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream
        ?.setEncoding('utf8')
        .on('data', (chunk: string) => (this.#output = (this.#output + chunk).slice(-TAIL_CHARS)));
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.spawnError = error;
        resolve((this.exit = { atMs: performance.now() - originMs, code: null, signal: null }));
      });
      this.child.once('exit', (code, signal) =>
        resolve((this.exit = { atMs: performance.now() - originMs, code, signal })),
      );
    });
    live.add(this);
  }

  /** Its process group (led by the root, which doctor reaped) still has a live member (zombies
   * waiting for a reaper do not count: a container's PID 1 may never reap them). */
  groupAlive(): boolean {
    const pgid = this.child.pid;
    // A fork-exit chain's member lives a few ms, and on a loaded box one pass over /proc takes longer:
    // the one listed has exited and its child was born after the listing. So the newest pids are read
    // first, and the group is listed again while kill(0) says it has members (zombies, or a newcomer).
    for (let pass = 0; pass < GROUP_SCAN_PASSES; pass++) {
      try {
        if (pgid === undefined || !process.kill(-pgid, 0)) return false;
      } catch {
        return false;
      }
      if (liveMemberOf(pgid)) return true;
    }
    return false;
  }

  /** Kills what is left: frozen and SIGKILLed by walk (marker holders included), then the group
   * until it is empty (one group signal reaches a fork-exit chain between generations too). */
  async stopTree(): Promise<void> {
    await this.watch?.killAll();
    for (let i = 0; i < GROUP_KILL_ROUNDS && this.groupAlive(); i++) {
      try {
        process.kill(-(this.child.pid ?? 0), 'SIGKILL');
      } catch {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The tree is confirmed gone: stop guarding it. */
  release(): void {
    this.#walking = false;
    // Its pipes too: a process that escaped every kill still holding them must not keep doctor alive.
    for (const stream of this.child.stdio) stream?.destroy();
    this.#unguard();
    live.delete(this);
  }

  /** Starts the periodic tree walk (the root's start time is read once, here). */
  async startWatching(): Promise<void> {
    if (this.child.pid === undefined) return;
    this.watch = await watchTree(this.child.pid, { ownGroup: true, marker: this.marker });
    const loop = async (): Promise<void> => {
      while (this.#walking) {
        await this.watch?.walk();
        await new Promise((resolve) => setTimeout(resolve, WALK_INTERVAL_MS).unref());
      }
    };
    this.#walking = true;
    void loop();
  }

  stopWatching(): void {
    this.#walking = false;
  }

  /** Sends `signal` to the root process, only while it is the child we started and still running. */
  signal(signal: NodeJS.Signals): boolean {
    return this.exit === undefined && this.child.exitCode === null && this.child.kill(signal);
  }

  /** The last lines the service printed (stdout and stderr interleaved). */
  outputTail(lines = 5): string {
    return this.#output.trimEnd().split('\n').slice(-lines).join('\n');
  }
}

/** A port free right now on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const GROUP_SCAN_PASSES = 5;

/** A live (not zombie) process in group `pgid`, newest pids first. */
function liveMemberOf(pgid: number): boolean {
  const pids = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .sort((a, b) => b - a);
  return pids.some((pid) => {
    const stat = readProcStat(pid); // undefined: gone meanwhile
    return stat?.pgid === pgid && stat.state !== 'Z' && stat.state !== 'X';
  });
}
