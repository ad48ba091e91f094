import { performance } from 'node:perf_hooks';

import { type LongTimer, setLongTimeout } from '../internal/long-timer.js';
import { onAbort } from '../internal/wait.js';

/** Called once when the bound runs out (`forced` false) or shutdown is forced (`forced` true). */
export type BoundListener = (forced: boolean) => void;

interface Group {
  listeners: Set<BoundListener>;
  timer: LongTimer;
  stopForce: () => void;
}

/**
 * Hook bounds that end in the same millisecond share one timer and one force listener, instead of
 * one of each per hook: a thousand steps started together armed a thousand timers.
 */
export class SharedBounds {
  readonly #groups = new Map<number, Group>();

  constructor(readonly force: AbortSignal) {}

  /** Calls `listener` at `endMs` (performance.now() time, rounded up to the ms; Infinity: never) or when shutdown is forced; returns its remover. */
  add(endMs: number, listener: BoundListener): () => void {
    const key = Math.ceil(endMs);
    let group = this.#groups.get(key);
    if (!group) {
      const created: Group = {
        listeners: new Set(),
        timer: setLongTimeout(() => this.#fire(key, created, false), key - performance.now()),
        stopForce: onAbort(this.force, () => this.#fire(key, created, true)),
      };
      this.#groups.set(key, created);
      group = created;
    }
    const own = group;
    own.listeners.add(listener);
    return () => {
      if (own.listeners.delete(listener) && own.listeners.size === 0) this.#drop(key, own);
    };
  }

  #fire(key: number, group: Group, forced: boolean): void {
    this.#drop(key, group);
    for (const listener of group.listeners) listener(forced);
    group.listeners.clear();
  }

  #drop(key: number, group: Group): void {
    group.timer.clear();
    group.stopForce();
    if (this.#groups.get(key) === group) this.#groups.delete(key);
  }
}
