import { SpawnError } from '../../errors.js';
import { messageOf } from '../../internal/describe.js';
import { waitForSettled } from '../../internal/wait.js';
import {
  type ListenFd,
  type ManagedChild,
  supervise,
  type Supervisor,
  type SupervisorExit,
} from '../../process/index.js';
import { signalExitCode } from '../signals.js';
import { childStdio, copyChildOutput } from './child-stdio.js';
import { notifySystemd } from './notify.js';
import type { RunOptions } from './options.js';
import { describeExit, say } from './output.js';
import { type ReadinessContext, readinessTimeout, watchReadiness } from './readiness.js';
import { openReload, reloadChild, waitForTakeover } from './reload.js';
import type { RunAttempt, RunReport, RunResult } from './report.js';

export type { RunResult } from './report.js';
import { childTermMs, restartPolicy, spawnChild } from './spawn-child.js';
import { openStop, runStop } from './stop.js';

/** One `lastcall run`: the supervised child, its readiness, restarts and the stop, recorded in `report`. */
export class RunSession {
  readonly report: RunReport;
  readonly done: Promise<RunResult>;
  readonly #o: RunOptions;
  readonly #t0 = performance.now();
  readonly #sup: Supervisor;
  readonly #stopAbort = new AbortController();
  readonly #force = new AbortController();
  #finish: (result: RunResult) => void = () => {};
  #finished = false;
  #stopping = false;
  /** Settles when the current child's piped output has been read to its end ('close'). */
  #outputRead: Promise<unknown> = Promise.resolve();
  /** Called once, when the stop begins (the runner arms its hard deadline). */
  onStop: () => void = () => {};
  /** The listening sockets every child gets as fds 3, 4, ... */
  readonly #sockets: readonly ListenFd[];
  readonly #runs = new WeakMap<ManagedChild, RunAttempt>();
  /** A reload's children outside the supervisor: the one getting ready, the old one stopping. */
  readonly #extra = new Set<ManagedChild>();
  #reloading: Promise<void> | undefined;
  readonly #readiness: ReadinessContext;

  constructor(o: RunOptions, report: RunReport, sockets: readonly ListenFd[] = []) {
    this.#o = o;
    this.report = report;
    this.#sockets = sockets;
    this.done = new Promise((resolve) => (this.#finish = resolve));
    this.#readiness = {
      options: o,
      report,
      stopping: this.#stopAbort.signal,
      now: () => this.#now(),
      notified: Promise.resolve(),
    };
    const termMs = childTermMs(o);
    const stdio = childStdio(o);
    this.#sup = supervise(() => this.#spawn(stdio, termMs), restartPolicy(o));
    this.#sup.on('spawn', (child) => this.#onSpawn(child));
    this.#sup.on('exit', (exit) => this.#onExit(exit));
    this.#sup.on('restart', (_attempt, delayMs) => this.#onRestart(delayMs));
    this.#sup.on('giveup', (error) => this.#end({ outcome: 'gave-up' }, error.message));
  }

  get child(): ManagedChild | undefined {
    return this.#sup.child;
  }
  get stopping(): boolean {
    return this.#stopping;
  }

  #now(): number {
    return performance.now() - this.#t0;
  }

  /** Every child (see spawn-child.ts); the deadline it was handed down goes in the report. */
  #spawnChild(stdio: (string | number)[], termMs: number): ManagedChild {
    const child = spawnChild(this.#o, this.#sockets, stdio, termMs);
    if (child.childDeadlineMs !== undefined) this.report.childDeadlineMs = child.childDeadlineMs;
    return child;
  }

  #spawn(stdio: (string | number)[], termMs: number): ManagedChild {
    try {
      return this.#spawnChild(stdio, termMs);
    } catch (error) {
      // A command that cannot start is not restarted: one line, a documented code.
      void this.#sup.close();
      const errno = error instanceof SpawnError ? error.errno : '';
      say(messageOf(error));
      this.#end({ outcome: 'spawn-failed', childCode: errno === 'ENOENT' ? 127 : 126 }, messageOf(error));
      throw error;
    }
  }

  /** Records a new child in the report and copies its piped output through. */
  #attach(child: ManagedChild, reload?: number): RunAttempt {
    const run: RunAttempt = {
      attempt: this.report.runs.length + 1,
      pid: child.pid,
      startMs: this.#now(),
      exitCode: null,
      exitSignal: null,
    };
    if (reload !== undefined) run.reload = reload;
    this.report.runs.push(run);
    this.#runs.set(child, run);
    this.report.pid ??= child.pid;
    this.#outputRead = new Promise((resolve) => child.process.once('close', resolve));
    copyChildOutput(child);
    return run;
  }

  #onSpawn(child: ManagedChild): void {
    watchReadiness(this.#readiness, child, this.#attach(child));
  }

  #onExit(exit: SupervisorExit): void {
    const child = this.#sup.child;
    const run = child ? this.#runs.get(child) : undefined;
    if (run?.readyError !== undefined && !this.#stopping) {
      // A readiness timeout fails the run even on exit 0: the supervisor reads `exit.error` next, to restart.
      exit.error ??= readinessTimeout(this.#o);
    }
    if (run) {
      run.exitCode = exit.code;
      run.exitSignal = exit.signal;
      run.uptimeMs = exit.uptimeMs;
      run.endMs = this.#now();
      void child?.close().then(
        (r) => (run.cleanup = r.escalation),
        () => (run.cleanup = 'sigkill'),
      );
    }
    if (this.#stopping) return;
    const childCode = exit.signal ? signalExitCode(exit.signal) : (exit.code ?? 1);
    // A code that means "do not restart": stopping the supervisor now makes it skip the restart.
    const noRestart = exit.code !== null && this.#o.noRestartOn.has(exit.code);
    if (noRestart) void this.#sup.close();
    // A reload under way takes over from a child that died meanwhile: the run ends if it fails too.
    void Promise.resolve(noRestart ? undefined : waitForTakeover(this.#reloading, child?.pid, exit)).then(() =>
      setImmediate(() => {
        if (this.#stopping || (this.#sup.state !== 'stopped' && !noRestart)) return;
        const outcome = run?.readyError === undefined ? 'exited' : 'ready-timeout';
        const why = noRestart ? ` (${exit.code} is in --no-restart-on)` : '';
        this.#end({ outcome, childCode }, `child exited (${describeExit(exit)})${why}`);
      }),
    );
  }

  #onRestart(delayMs: number): void {
    const child = this.#sup.child;
    const run = child ? this.#runs.get(child) : undefined;
    if (run) run.restartDelayMs = delayMs;
    this.report.restarts += 1;
    say(
      `child exited (${run ? describeExit({ code: run.exitCode, signal: run.exitSignal }) : '?'}); restart #${this.report.restarts} in ${delayMs} ms`,
    );
  }

  /** --reload-signal: a new child on the same sockets, then the old one stopped (see reload.ts). */
  reload(signal: NodeJS.Signals): void {
    if (this.#finished || this.#stopping) return;
    if (this.#reloading) return say(`reload already in progress; ${signal} ignored`);
    const entry = openReload(this.report, signal, this.#now());
    const termMs = childTermMs(this.#o);
    const ctx = {
      options: this.#o,
      supervisor: this.#sup,
      spawn: () => this.#spawnChild(childStdio(this.#o), termMs),
      attach: (child: ManagedChild, reload: number) => this.#attach(child, reload),
      runOf: (child: ManagedChild) => this.#runs.get(child),
      stopping: this.#stopAbort.signal,
      force: this.#force.signal,
      extra: this.#extra,
      now: () => this.#now(),
    };
    this.#reloading = reloadChild(ctx, entry)
      .catch((error: unknown) => void Object.assign(entry, { result: 'failed', error: messageOf(error) }))
      .finally(() => (this.#reloading = undefined));
  }

  /** The first stop signal: stop-signal to the tree, wait for all of it, SIGKILL at the deadline. */
  stop(received: NodeJS.Signals): void {
    if (this.#finished || this.#stopping) return;
    this.#stopping = true;
    this.onStop();
    this.#stopAbort.abort();
    void notifySystemd('STOPPING=1');
    const child = this.#sup.child;
    this.report.stop = openStop(received, this.#o);
    const target = {
      supervisor: this.#sup,
      child: child && !child.exited ? child : undefined,
      options: this.#o,
      received,
      force: this.#force,
    };
    // A reload's other children (the one getting ready, the old one stopping) stop alongside.
    const extra = [...this.#extra].map((c) => c.close({ signal: this.#force.signal }).catch(() => {}));
    Promise.all([runStop(target), ...extra]).then(
      ([{ stop, result }]) => {
        this.report.stop = stop;
        this.#end(result, `${received} received`);
      },
      (error: unknown) => this.#end({ outcome: 'survivors' }, `stop failed: ${messageOf(error)}`),
    );
  }

  /** true once a READY=1 still being sent has finished (so the report says how it went) and the child's
   * piped output is copied through to its end (nothing it wrote before exiting is lost); false after `ms`. */
  waitForLooseEnds(ms: number): Promise<boolean> {
    return waitForSettled(Promise.all([this.#readiness.notified, this.#outputRead]), ms);
  }

  /** A second stop signal: SIGKILL the tree now. */
  force(): void {
    this.#force.abort('second-signal');
  }

  #end(result: RunResult, reason: string): void {
    if (this.#finished) return;
    this.#finished = true;
    this.report.reason = reason;
    this.#finish(result);
  }
}
