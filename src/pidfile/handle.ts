import { dirname, join } from 'node:path';

import { type HooksProvider, lifecycleHooks, type ResourceHooks } from '../core/types.js';
import type { PidFileKind } from '../errors.js';
import type { Takeover } from './attempt.js';
import { type Instance, readInstance, remove, sameInode, sameNode } from './fs-ops.js';
import { refreshLease } from './lease.js';

interface Acquired {
  pid: number;
  kind: PidFileKind;
  instance: Instance;
  takeover: Takeover | undefined;
  leaseMs: number;
}

/** Handles not yet released; one shared 'exit' listener removes their files synchronously. */
const pending = new Set<PidFileHandle>();

function releaseAllOnExit(): void {
  for (const handle of pending) {
    try {
      handle.releaseSync();
    } catch (error) {
      // At exit there is no one left to throw to; say so on stderr instead of dropping it.
      process.stderr.write(`lastcall: could not remove ${handle.path}: ${(error as Error).message}\n`);
    }
  }
}

/** An acquired PID or lock file. Release removes it only while it still names this process. */
export class PidFileHandle implements HooksProvider, AsyncDisposable {
  readonly path: string;
  readonly pid: number;
  readonly kind: PidFileKind;
  /** The stale file this acquisition replaced (its PID and why it was stale); undefined when the path was free. */
  readonly takeover: Takeover | undefined;
  #instance: Instance;
  #released: Promise<void> | undefined;
  #removed = false;
  #lease: NodeJS.Timeout | undefined;

  constructor(path: string, acquired: Acquired) {
    this.path = path;
    this.pid = acquired.pid;
    this.kind = acquired.kind;
    this.takeover = acquired.takeover;
    this.#instance = acquired.instance;
    if (pending.size === 0) process.on('exit', releaseAllOnExit);
    pending.add(this);
    // The lease: our mtime says we are alive to namespaces that cannot check our PID. Unref'd: holding a
    // file never keeps the process alive. Stops for good once the file is no longer provably ours.
    this.#lease = setInterval(() => {
      const mtimeMs = refreshLease(this.path, this.#instance);
      if (mtimeMs === undefined) this.#stopLease();
      else this.#instance = { ...this.#instance, mtimeMs };
    }, acquired.leaseMs).unref();
  }

  #stopLease(): void {
    clearInterval(this.#lease);
    this.#lease = undefined;
  }

  /** true while the holder refreshes its lease (held, and the file still provably ours). */
  get refreshing(): boolean {
    return this.#lease !== undefined;
  }

  /** true once release() (or the exit handler) ran. */
  get released(): boolean {
    return !pending.has(this);
  }

  /** true when release removed the file; false if it was gone or had been taken over by another process. */
  get removed(): boolean {
    return this.#removed;
  }

  /** Idempotent: later callers get the same promise. Rejects only if the file could not be removed. */
  release(): Promise<void> {
    this.#released ??= new Promise<void>((resolve) => {
      this.releaseSync();
      resolve();
    });
    return this.#released;
  }

  /** The synchronous core of release(), also run on process 'exit'. */
  releaseSync(): void {
    this.#stopLease();
    if (!pending.delete(this)) return;
    if (pending.size === 0) process.off('exit', releaseAllOnExit);
    const mine = this.#instance;
    // Nobody removes a live owner's file, so the check and the unlink cannot be separated by a takeover.
    // Our inode with our content and mtime is ours even when an operator removed its identity link.
    const current = readInstance(this.path, true); // a squatter at the path is left alone, not an error
    if (sameInode(mine, current) && (current?.identity === undefined || current.identity === mine.identity)) {
      this.#removed = remove(this.path);
    }
    // The identity link's name holds our nonce; it is ours if it is still our inode (also when the file was rm'd).
    if (mine.identity !== undefined) {
      const link = join(dirname(this.path), mine.identity);
      if (sameNode(mine, link)) remove(link);
    }
  }

  [lifecycleHooks](): ResourceHooks {
    return { finish: () => this.release() };
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
