import type { Readable } from 'node:stream';

import { ReadinessTimeoutError, SpawnError } from '../../errors.js';
import { messageOf } from '../../internal/describe.js';
import { waitForSettled } from '../../internal/wait.js';
import {
  type ListenFd,
  type ManagedChild,
  spawnManaged,
  supervise,
  type Supervisor,
  type SupervisorExit,
} from '../../process/index.js';
import { ReadyExitedError } from '../errors.js';
import { describeReadySpec, waitForReady } from '../ready-spec.js';
import { signalExitCode } from '../signals.js';
import { adoptEnv } from './adopt.js';
import { childStdio, copyChildOutput } from './child-stdio.js';
import { notifySystemd } from './notify.js';
import type { RunOptions } from './options.js';
import { describeExit, say } from './output.js';
import { openReload, reloadChild, waitForTakeover } from './reload.js';
import type { RunAttempt, RunReport, RunResult } from './report.js';

export type { RunResult } from './report.js';
import { killReserveMs, runStop } from './stop.js';

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
  /** The READY=1 notification in flight (settles at once when there is none). */
  #notified: Promise<unknown> = Promise.resolve();
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

  constructor(o: RunOptions, report: RunReport, sockets: readonly ListenFd[] = []) {
    this.#o = o;
    this.report = report;
    this.#sockets = sockets;
    this.done = new Promise((resolve) => (this.#finish = resolve));
    const termMs = Math.max(0, o.deadlineMs - killReserveMs(o.deadlineMs));
    const stdio = childStdio(o);
    this.#sup = supervise(() => this.#spawn(stdio, termMs), {
      restart: o.restart,
      initialMs: o.backoffMinMs,
      maxMs: o.backoffMaxMs,
      resetAfterMs: o.resetAfterMs,
      maxRestarts: o.maxRestarts,
      windowMs: o.restartWindowMs,
    });
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

  /** Every child, the first, a restart's or a reload's: same command, same sockets, same hand-down. */
  #spawnChild(stdio: (string | number)[], termMs: number): ManagedChild {
    const listen = this.#sockets.length > 0 ? { listenFds: this.#sockets } : {};
    const env = this.#o.adopt ? { env: adoptEnv() } : {};
    const o = {
      stdio: stdio as never,
      graceMs: 0,
      termMs,
      stopSignal: this.#o.stopSignal,
      handDownDeadline: this.#o.handDownDeadline,
    };
    const child = spawnManaged(this.#o.command, this.#o.args, { ...o, ...env, ...listen });
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
    const run = this.#attach(child);
    const out = child.stdout;
    const err = child.stderr;
    const spec = this.#o.ready;
    if (!spec) return void this.#markReady(run, false);
    const extra = spec.kind === 'fd' ? (child.process.stdio[spec.fd] as Readable | null | undefined) : undefined;
    waitForReady(
      spec,
      { stdout: out, stderr: err, stdio: child.process.stdio, exited: child.waitForExit() },
      {
        timeoutMs: this.#o.readyTimeoutMs,
        signal: this.#stopAbort.signal,
      },
    )
      .then(
        () => this.#markReady(run, true),
        (error: unknown) => {
          if (this.#stopping || (error instanceof ReadyExitedError && child.exited)) return;
          run.readyError = messageOf(error);
          say(`${run.readyError}; stopping the child`);
          void child.close().catch(() => {});
        },
      )
      .finally(() => extra?.resume()); // keep the readiness fd drained so the child never blocks on it
  }

  #markReady(run: RunAttempt, announce: boolean): void {
    run.readyMs = this.#now() - run.startMs;
    if (this.report.readyMs !== undefined) return;
    this.report.readyMs = this.#now();
    if (process.env.NOTIFY_SOCKET) this.report.notify = 'sending';
    if (announce && this.#o.ready) {
      say(`ready (${describeReadySpec(this.#o.ready)}) after ${Math.round(run.readyMs)} ms`);
    }
    this.#notified = notifySystemd('READY=1').then((result) => {
      this.report.notify = result;
      if (result.startsWith('not-sent')) say(`systemd ${result}`);
    });
  }

  #onExit(exit: SupervisorExit): void {
    const child = this.#sup.child;
    const run = child ? this.#runs.get(child) : undefined;
    if (run?.readyError !== undefined && !this.#stopping) {
      // A readiness timeout fails the run even on exit 0: the supervisor reads `exit.error` next, to restart.
      exit.error ??= new ReadinessTimeoutError(
        undefined,
        this.#o.readyTimeoutMs,
        this.#o.ready ? describeReadySpec(this.#o.ready) : '?',
      );
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
    const termMs = Math.max(0, this.#o.deadlineMs - killReserveMs(this.#o.deadlineMs));
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
    // Filled in when the stop completes; if the runner's deadline comes first, this is what it knew.
    this.report.stop = {
      received,
      sender: 'unknown',
      stopSignal: this.#o.stopSignal,
      escalation: 'none',
      forced: false,
      durationMs: 0,
      survivors: null,
      processes: [],
    };
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
    return waitForSettled(Promise.all([this.#notified, this.#outputRead]), ms);
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
