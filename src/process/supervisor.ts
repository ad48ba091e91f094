import { EventEmitter } from 'node:events';

import { lifecycleHooks, type ResourceHooks } from '../core/types.js';
import { AbortedError, InvalidOptionError, SuperviseGiveUpError } from '../errors.js';
import { type LongTimer, setLongTimeout } from '../internal/long-timer.js';
import { validateFunction, validateOptions, validateSignal } from '../internal/validate.js';
import type { ExitInfo } from './close-sequence.js';
import { ManagedChild } from './managed-child.js';
import { assertPosix } from './platform.js';
import { watchReadiness } from './readiness.js';
import { ReadyWaiters } from './ready-waiters.js';
import { RestartCount } from './restart-count.js';
import {
  type NormalizedSuperviseOptions,
  normalizeSuperviseOptions,
  type SuperviseOptions,
} from './supervise-options.js';

export type SupervisorState = 'running' | 'backoff' | 'stopping' | 'stopped' | 'gave-up';

export interface SupervisorExit extends ExitInfo {
  uptimeMs: number;
  /** The readiness timeout (or a failed factory) that made this run a failure, if any. */
  error?: Error;
}

export interface SupervisorEvents {
  spawn: [child: ManagedChild, attempt: number];
  ready: [child: ManagedChild];
  exit: [exit: SupervisorExit];
  restart: [attempt: number, delayMs: number];
  giveup: [error: SuperviseGiveUpError];
}

export type ChildFactory = (context: { attempt: number }) => ManagedChild;

/** Keeps a child running: restarts per policy with backoff, gives up on a crash loop. Starts next tick. */
export function supervise(factory: ChildFactory, options?: SuperviseOptions): Supervisor {
  assertPosix('supervise');
  validateFunction('factory', factory);
  return new Supervisor(factory, normalizeSuperviseOptions(options));
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly #factory: ChildFactory;
  readonly #o: NormalizedSuperviseOptions;
  readonly #count: RestartCount;
  #state: SupervisorState = 'running';
  #child: ManagedChild | undefined;
  #ready = false;
  #timer: LongTimer | undefined;
  #stopRequested = false;
  #stopping: Promise<void> | undefined;
  #giveUp: SuperviseGiveUpError | undefined;
  readonly #waiters = new ReadyWaiters();

  constructor(factory: ChildFactory, options: NormalizedSuperviseOptions) {
    super();
    this.#factory = factory;
    this.#o = options;
    this.#count = new RestartCount(options);
    process.nextTick(() => this.#launch());
  }

  get state(): SupervisorState {
    return this.#state;
  }
  /** The current child (undefined before the first spawn and between restarts). */
  get child(): ManagedChild | undefined {
    return this.#child;
  }
  get ready(): boolean {
    return this.#ready;
  }
  /** Restarts so far (all time). */
  get restarts(): number {
    return this.#count.total;
  }

  #launch(): void {
    if (this.#stopRequested) return;
    const startedAt = performance.now();
    let child: ManagedChild;
    try {
      const made = this.#factory({ attempt: this.#count.attempt });
      if (!(made instanceof ManagedChild))
        throw new InvalidOptionError('factory', 'a function returning spawnManaged(...)', made);
      child = made;
    } catch (error) {
      this.#afterExit({ code: null, signal: null, uptimeMs: 0, error: error as Error });
      return;
    }
    this.#watch(child, startedAt, false);
  }

  /** Runs `child` as the current one: readiness (unless `ready`), its exit, the restart after it. */
  #watch(child: ManagedChild, startedAt: number, ready: boolean): void {
    this.#child = child;
    this.#state = 'running';
    let failure: Error | undefined;
    let stopWatching = (): void => {};
    if (this.#o.readiness && !ready) {
      stopWatching = watchReadiness(
        child,
        this.#o.readiness,
        () => this.#markReady(child),
        (error) => {
          failure = error;
          // Its exit below counts as a failure; a close error is recorded there too.
          child.close().catch((closeError: unknown) => (failure = closeError as Error));
        },
      );
    }
    if (!ready) this.emit('spawn', child, this.#count.attempt);
    if (!this.#o.readiness || ready) this.#markReady(child);
    void child.waitForExit().then(async (info) => {
      stopWatching();
      // Replaced (a reload): whoever replaced it stops it; its exit is no crash and restarts nothing.
      if (this.#child !== child) return;
      this.#ready = false;
      // Whatever the child left in its group or tree goes before anything restarts.
      await child.close().catch((error: unknown) => (failure ??= error as Error));
      if (this.#child !== child) return; // replaced meanwhile: the new child runs, nothing restarts
      const exit: SupervisorExit = { ...info, uptimeMs: performance.now() - startedAt };
      if (failure) exit.error = failure;
      this.emit('exit', exit);
      this.#afterExit(exit);
    });
  }

  /**
   * A reload: `child` (started and made ready by the caller, e.g. on the same listening sockets)
   * becomes the current child at once, ready; the old one is returned for the caller to stop, and its
   * exit is no longer watched (no restart, no 'exit' event). A pending restart is cancelled.
   */
  replace(child: ManagedChild): ManagedChild | undefined {
    if (!(child instanceof ManagedChild))
      throw new InvalidOptionError('child', 'a ManagedChild (spawnManaged(...))', child);
    if (this.#stopRequested) throw new AbortedError('replace() (the supervisor stopped)');
    const old = this.#child;
    this.#timer?.clear();
    this.#timer = undefined;
    this.#ready = false;
    this.#watch(child, performance.now(), true);
    return old === child || old?.exited === true ? undefined : old;
  }

  #markReady(child: ManagedChild): void {
    if (this.#child !== child || child.exited) return;
    this.#ready = true;
    this.emit('ready', child);
    this.#waiters.resolveAll();
  }

  #afterExit(exit: SupervisorExit): void {
    if (this.#stopRequested) return; // an intentional stop never restarts
    const failed = exit.error !== undefined || exit.code !== 0 || exit.signal !== null;
    if (this.#o.restart === 'never' || (this.#o.restart === 'on-failure' && !failed)) {
      this.#state = 'stopped';
      this.#waiters.rejectAll(new AbortedError('waitForReady() (the child exited and is not restarted)'));
      return;
    }
    const next = this.#count.next(exit);
    if (next instanceof SuperviseGiveUpError) {
      this.#state = 'gave-up';
      this.#giveUp = next;
      this.#waiters.rejectAll(next);
      this.emit('giveup', next);
      return;
    }
    const delayMs = next;
    this.#state = 'backoff';
    this.emit('restart', this.#count.attempt, delayMs);
    // Referenced on purpose: a pending restart is work, and must keep the process alive until it runs.
    // A long timer: a delay above 2^31-1 ms (a huge maxMs) is waited for, not clamped by Node to 1 ms.
    this.#timer = setLongTimeout(
      () => {
        this.#timer = undefined;
        this.#launch();
      },
      delayMs,
      true,
    );
  }

  /** Resolves once the current child is ready; rejects on give-up, stop, or abort. */
  waitForReady(options: { signal?: AbortSignal } = {}): Promise<void> {
    validateOptions(options, ['signal'], 'waitForReady()');
    const { signal } = options;
    validateSignal('signal', signal);
    if (this.#ready) return Promise.resolve();
    if (this.#giveUp) return Promise.reject(this.#giveUp);
    if (this.#state === 'stopped' || this.#state === 'stopping')
      return Promise.reject(new AbortedError('waitForReady() (the supervisor stopped)'));
    return this.#waiters.wait(signal);
  }

  /** Stops for good: no restart happens after this, even if the child crashes while closing. Idempotent. */
  close(options: { signal?: AbortSignal } = {}): Promise<void> {
    validateOptions(options, ['signal'], 'close()');
    const { signal } = options;
    validateSignal('signal', signal);
    if (this.#stopping) {
      if (signal) void this.#child?.close({ signal }).catch(() => {}); // adds one more way to force it
      return this.#stopping;
    }
    this.#stopRequested = true;
    this.#timer?.clear();
    const wasGivenUp = this.#state === 'gave-up';
    this.#state = 'stopping';
    this.#ready = false;
    this.#waiters.rejectAll(new AbortedError('waitForReady() (the supervisor stopped)'));
    const child = this.#child;
    this.#stopping = (async () => {
      try {
        if (child) await child.close(signal ? { signal } : {});
      } finally {
        this.#state = wasGivenUp ? 'gave-up' : 'stopped';
      }
    })();
    return this.#stopping;
  }

  /** close also rejects with the give-up error, so a lifecycle report shows the step as failed. */
  [lifecycleHooks](): ResourceHooks {
    return {
      start: (signal: AbortSignal) => this.waitForReady({ signal }),
      close: async (signal: AbortSignal) => {
        await this.close({ signal });
        if (this.#giveUp) throw this.#giveUp;
      },
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
