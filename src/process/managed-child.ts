import { type ChildProcess, type Serializable, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { lifecycleHooks, type ResourceHooks } from '../core/types.js';
import { validateOptions, validateSignal } from '../core/validate.js';
import { AbortedError, SpawnError } from '../errors.js';
import { type CloseResult, type ExitInfo, runCloseSequence } from './close-sequence.js';
import { MARKER_VARIABLE, nextMarker, registerGroup, unregisterGroup } from './guardian.js';
import { sendWithTimeout, type SendOptions } from './ipc-send.js';
import { assertPosix, sendSignal } from './platform.js';
import { diagnoseSpawnFailure } from './spawn-failure.js';
import { normalizeSpawnOptions, type NormalizedSpawnOptions, type SpawnManagedOptions } from './spawn-options.js';
import type { TreeSpec } from './tree.js';

/**
 * Starts `command` in its own process group (and session), marked so its whole tree can be found,
 * and registered with the guardian. Throws SpawnError (ENOENT, EACCES) instead of emitting 'error'.
 */
export function spawnManaged(command: string, args?: readonly string[], options?: SpawnManagedOptions & { stdio?: 'pipe' }): PipedManagedChild;
export function spawnManaged(command: string, args?: readonly string[], options?: SpawnManagedOptions): ManagedChild;
export function spawnManaged(command: string, args: readonly string[] = [], options?: SpawnManagedOptions): ManagedChild {
  assertPosix('spawnManaged');
  const o = normalizeSpawnOptions(command, args, options);
  const marker = nextMarker(o.guardian);
  const env = { ...o.env, [MARKER_VARIABLE]: marker };
  const child = spawn(command, args, { cwd: o.cwd, env, stdio: o.stdio, serialization: o.serialization, detached: true });
  if (child.pid === undefined) {
    const error = new SpawnError(command, diagnoseSpawnFailure(command, o.cwd, env));
    // Node emits its own error next tick; it becomes the cause instead of an uncaught 'error' event.
    child.once('error', (cause) => Object.defineProperty(error, 'cause', { value: cause, configurable: true }));
    throw error;
  }
  return new ManagedChild(child, child.pid, o, `${MARKER_VARIABLE}=${marker}`);
}

/** A child spawned with `stdio: 'pipe'` (the default): its three streams exist, so strict TS needs no `!`. */
export type PipedManagedChild = ManagedChild & { readonly stdin: Writable; readonly stdout: Readable; readonly stderr: Readable };

export class ManagedChild {
  /** The underlying ChildProcess, for events such as 'message'. Prefer close() over kill(). */
  readonly process: ChildProcess;
  readonly pid: number;
  /** Its own process group id (= pid). */
  readonly pgid: number;
  readonly #options: NormalizedSpawnOptions;
  readonly #spec: TreeSpec;
  readonly #exit: Promise<ExitInfo>;
  readonly #force = new AbortController();
  #exitInfo: ExitInfo | undefined;
  #closing: Promise<CloseResult> | undefined;

  constructor(child: ChildProcess, pid: number, options: NormalizedSpawnOptions, marker: string) {
    this.process = child;
    this.pid = pid;
    this.pgid = pid;
    this.#options = options;
    this.#spec = { known: new Map(), pgids: new Set([pid]), marker };
    this.#exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitInfo = { code, signal };
        // The group may outlive its leader; forget it only once empty (close() does the rest).
        if (options.guardian && !sendSignal(-pid, 0)) unregisterGroup(pid);
        resolve(this.#exitInfo);
      });
    });
    if (options.guardian) registerGroup(pid);
  }

  get stdin(): Writable | null {
    return this.process.stdin;
  }
  get stdout(): Readable | null {
    return this.process.stdout;
  }
  get stderr(): Readable | null {
    return this.process.stderr;
  }
  /** The exit code, or null while running or when killed by a signal. */
  get exitCode(): number | null {
    return this.#exitInfo?.code ?? null;
  }
  get signalCode(): NodeJS.Signals | null {
    return this.#exitInfo?.signal ?? null;
  }
  get exited(): boolean {
    return this.#exitInfo !== undefined;
  }

  /** Resolves with { code, signal } when the child exits (at once if it has). */
  waitForExit(options: { signal?: AbortSignal } = {}): Promise<ExitInfo> {
    validateOptions(options, ['signal'], 'waitForExit()');
    const { signal } = options;
    validateSignal('signal', signal);
    if (!signal) return this.#exit;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(new AbortedError('waitForExit()', signal.reason));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#exit.then((info) => {
        signal.removeEventListener('abort', onAbort);
        resolve(info);
      });
    });
  }

  /** IPC send with a deadline (spawn with { ipc: true }). Rejects IpcTimeoutError / IpcClosedError. */
  send(message: Serializable, options?: SendOptions): Promise<void> {
    return sendWithTimeout(this.process, message, options);
  }

  /**
   * EOF → graceMs → SIGTERM (+SIGCONT) to the tree → termMs → SIGKILL → wait. Idempotent: every caller
   * gets the same promise. Any caller's aborted `signal` escalates straight to SIGKILL (still bounded).
   * Rejects with ProcessSurvivorsError only if processes outlive SIGKILL.
   */
  close(options: { signal?: AbortSignal } = {}): Promise<CloseResult> {
    validateOptions(options, ['signal'], 'close()');
    const { signal } = options;
    validateSignal('signal', signal);
    if (signal?.aborted === true) this.#force.abort();
    else if (signal && !this.#force.signal.aborted) {
      const onAbort = (): void => this.#force.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#exit.then(() => signal.removeEventListener('abort', onAbort));
    }
    this.#closing ??= this.#runClose();
    return this.#closing;
  }

  async #runClose(): Promise<CloseResult> {
    const target = {
      child: this.process,
      spec: this.#spec,
      exit: this.#exit,
      hasExited: () => this.exited,
      graceMs: this.#options.graceMs,
      termMs: this.#options.termMs,
      stopSignal: this.#options.stopSignal,
    };
    const result = await runCloseSequence(target, this.#force.signal);
    // Survivors (a rejection above) stay registered: the guardian still kills them if we die.
    if (this.#options.guardian) unregisterGroup(this.pgid);
    return result;
  }

  [lifecycleHooks](): ResourceHooks {
    return { close: (signal: AbortSignal) => this.close({ signal }) };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
