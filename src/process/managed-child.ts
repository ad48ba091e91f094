import { type ChildProcess, type Serializable, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

import { lifecycleHooks, type ResourceHooks } from '../core/types.js';
import { AbortedError, SpawnError } from '../errors.js';
import { readProcStat } from '../internal/proc-stat.js';
import { validateOptions, validateSignal } from '../internal/validate.js';
import { onAbort } from '../internal/wait.js';
import { type ClosedProcess, type CloseResult, type ExitInfo, runCloseSequence } from './close-sequence.js';
import { ensureGuardian, MARKER_VARIABLE, nextMarker, registerGroup, unregisterGroup } from './guardian.js';
import { type SendOptions, sendWithTimeout } from './ipc-send.js';
import { LISTEN_PID_SCRIPT, listenEnv } from './listen-fds.js';
import { forgetManagedTree, rememberManagedTree } from './managed-trees.js';
import { assertPosix, sendSignal, validateSignalName } from './platform.js';
import { readProcess } from './proc-table.js';
import { type SignalledTargets, signalMembers } from './signal-tree.js';
import { diagnoseSpawnFailure } from './spawn-failure.js';
import { type NormalizedSpawnOptions, normalizeSpawnOptions, type SpawnManagedOptions } from './spawn-options.js';
import { adoptGroup, collectTree, type TreeSpec } from './tree.js';

/**
 * Starts `command` in its own process group (and session), marked so its whole tree can be found,
 * and registered with the guardian. Throws SpawnError (ENOENT, EACCES) instead of emitting 'error'.
 */
export function spawnManaged(
  command: string,
  args?: readonly string[],
  options?: SpawnManagedOptions & { stdio?: 'pipe' },
): PipedManagedChild;
export function spawnManaged(command: string, args?: readonly string[], options?: SpawnManagedOptions): ManagedChild;
export function spawnManaged(
  command: string,
  args: readonly string[] = [],
  options?: SpawnManagedOptions,
): ManagedChild {
  assertPosix('spawnManaged');
  const o = normalizeSpawnOptions(command, args, options);
  const marker = nextMarker(o.guardian);
  const env = { ...(o.listen ? listenEnv(o.env, o.listen) : o.env), [MARKER_VARIABLE]: marker };
  // Through the shell nothing fails to spawn, so a command that cannot run is found here, as execvp would.
  const errno = o.listen ? diagnoseSpawnFailure(command, o.cwd, env) : 'UNKNOWN';
  if (errno !== 'UNKNOWN') throw new SpawnError(command, errno);
  const [file, argv] = o.listen ? ['/bin/sh', ['-c', LISTEN_PID_SCRIPT, command, ...args]] : [command, args];
  // The guardian first: no instant in which a child of ours exists and nothing would kill it with us.
  if (o.guardian) ensureGuardian();
  let child: ChildProcess;
  try {
    child = spawn(file, argv, { cwd: o.cwd, env, stdio: o.stdio, serialization: o.serialization, detached: true });
  } catch (cause) {
    // Errors Node throws at once (E2BIG: arguments or environment too large, ENOEXEC, ...).
    throw new SpawnError(command, (cause as NodeJS.ErrnoException).code ?? 'UNKNOWN', cause);
  }
  if (child.pid === undefined) {
    const error = new SpawnError(command, diagnoseSpawnFailure(command, o.cwd, env));
    // Node emits its own error next tick; it becomes the cause instead of an uncaught 'error' event.
    child.once('error', (cause) => Object.defineProperty(error, 'cause', { value: cause, configurable: true }));
    throw error;
  }
  return new ManagedChild(child, child.pid, o, `${MARKER_VARIABLE}=${marker}`);
}

/** A child spawned with `stdio: 'pipe'` (the default): its three streams exist, so strict TS needs no `!`. */
export type PipedManagedChild = ManagedChild & {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
};

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
  /** Settles once the leader's start time is known (at once on Linux; one `ps` on macOS). */
  readonly #identified: Promise<void>;
  #exitInfo: ExitInfo | undefined;
  #closing: Promise<CloseResult> | undefined;
  readonly #closedProcesses = new Map<string, ClosedProcess>();

  /** The deadline handed to the child in LASTCALL_DEADLINE_MS (`handDownDeadline`), else undefined. */
  get childDeadlineMs(): number | undefined {
    return this.#options.childDeadlineMs;
  }

  constructor(child: ChildProcess, pid: number, options: NormalizedSpawnOptions, marker: string) {
    this.process = child;
    this.pid = pid;
    this.pgid = pid;
    this.#options = options;
    // Read now, while the child is alive or an unreaped zombie: its pid (and group) cannot be reused yet.
    const startTime = readProcStat(pid)?.startTime;
    this.#spec = { known: new Map(), pgids: new Map([[pid, startTime]]), marker };
    this.#identified = startTime !== undefined ? Promise.resolve() : this.#identifyLater();
    if (startTime !== undefined) this.#remember(startTime);
    this.#exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        // killTree(pid) of a gone pid looks no further; close() keeps using the spec itself.
        forgetManagedTree(pid, this.#spec);
        void this.#afterExit().then(() => {
          this.#exitInfo = { code, signal };
          resolve(this.#exitInfo);
        });
      });
    });
  }

  /**
   * The leader was just reaped, so its group id cannot have been reused yet: whatever is still in the
   * group is ours. Those processes are recorded (pid + start time) so that later walks, and the guardian,
   * can still prove the group is ours after the leader's pid is gone. An empty group is forgotten.
   */
  async #afterExit(): Promise<void> {
    if (!sendSignal(-this.pid, 0)) {
      if (this.#options.guardian) unregisterGroup(this.pid);
      return;
    }
    const members = await adoptGroup(this.#spec, this.pid);
    const witness = members[0];
    if (this.#options.guardian && witness) registerGroup(this.pid, witness.startTime, witness.pid);
  }

  /** Known start time: the group is registered with the guardian and findable by killTree(pid). */
  #remember(startTime: string): void {
    this.#spec.pgids.set(this.pid, startTime);
    if (/^\d+$/.test(startTime)) this.#spec.markerSince = startTime;
    this.#spec.known.set(this.pid, startTime);
    rememberManagedTree(this.pid, startTime, this.#spec);
    if (this.#options.guardian) registerGroup(this.pid, startTime);
  }

  async #identifyLater(): Promise<void> {
    const info = await readProcess(this.pid).catch(() => undefined);
    // Exited (and reaped) meanwhile: the pid may be someone else's now, so its start time proves nothing.
    if (info !== undefined && this.#exitInfo === undefined) this.#remember(info.startTime);
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

  /** Every process close() has signalled in the child's tree so far (the child included), in the order
   * found: its pid, command line, the last signal sent, and whether it outlived SIGKILL. For reports;
   * also filled in when close() rejects with ProcessSurvivorsError. Empty before close(). */
  get closedProcesses(): ClosedProcess[] {
    return [...this.#closedProcesses.values()].map((p) => ({ ...p }));
  }

  /** Resolves with { code, signal } when the child exits (at once if it has). */
  waitForExit(options: { signal?: AbortSignal } = {}): Promise<ExitInfo> {
    validateOptions(options, ['signal'], 'waitForExit()');
    const { signal } = options;
    validateSignal('signal', signal);
    if (!signal) return this.#exit;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new AbortedError('waitForExit()', signal.reason));
      const stop = onAbort(signal, () => reject(new AbortedError('waitForExit()', signal.reason)));
      void this.#exit.then((info) => {
        stop();
        resolve(info);
      });
    });
  }

  /**
   * Sends `signal` once to every process of the child's tree, identity-checked: to the whole process
   * group while it is provably the group we started (its leader, or a member we identified, still has
   * its recorded start time), else to each identified member; to members outside the group (setsid'd
   * descendants, marker holders) one by one. Resolves with what it reached (empty: nothing of ours is
   * left). For forwarding a signal; close() is the way to stop the child.
   */
  async signalTree(signal: NodeJS.Signals): Promise<SignalledTargets> {
    validateSignalName('signal', signal);
    await this.#identified;
    return signalMembers(this.#spec, await collectTree(this.#spec), signal);
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
      // One shared listener per AbortSignal (core's onAbort): many close({ signal }) calls add no more.
      const stop = onAbort(signal, () => this.#force.abort());
      void this.#exit.then(stop);
    }
    this.#closing ??= this.#runClose();
    return this.#closing;
  }

  async #runClose(): Promise<CloseResult> {
    await this.#identified;
    const target = {
      child: this.process,
      spec: this.#spec,
      exit: this.#exit,
      hasExited: () => this.exited,
      graceMs: this.#options.graceMs,
      termMs: this.#options.termMs,
      stopSignal: this.#options.stopSignal,
      processes: this.#closedProcesses,
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
