import type { Readable } from 'node:stream';
import { waitForSettled } from '../../internal/wait.js';
import { ReadinessTimeoutError, SpawnError } from '../../errors.js';
import { messageOf } from '../../internal/describe.js';
import { ReadyExitedError } from '../errors.js';
import { type ManagedChild, spawnManaged, supervise, type Supervisor, type SupervisorExit } from '../../process/index.js';
import { adoptEnv } from './adopt.js';
import { describeReadySpec, waitForReady } from '../ready-spec.js';
import { signalExitCode } from '../signals.js';
import { notifySystemd } from './notify.js';
import { copyOutput, runOutput, say } from './output.js';
import type { RunOptions } from './options.js';
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

  constructor(o: RunOptions, report: RunReport) {
    this.#o = o;
    this.report = report;
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

  #spawn(stdio: (string | number)[], termMs: number): ManagedChild {
    try {
      const env = this.#o.adopt ? { env: adoptEnv() } : {};
      const child = spawnManaged(this.#o.command, this.#o.args, { stdio: stdio as never, graceMs: 0, termMs, stopSignal: this.#o.stopSignal, handDownDeadline: this.#o.handDownDeadline, ...env });
      if (child.childDeadlineMs !== undefined) this.report.childDeadlineMs = child.childDeadlineMs;
      return child;
    } catch (error) {
      // A command that cannot start is not restarted: one line, a documented code.
      void this.#sup.close();
      const errno = error instanceof SpawnError ? error.errno : '';
      say(messageOf(error));
      this.#end({ outcome: 'spawn-failed', childCode: errno === 'ENOENT' ? 127 : 126 }, messageOf(error));
      throw error;
    }
  }

  #onSpawn(child: ManagedChild): void {
    const run: RunAttempt = { attempt: this.report.runs.length + 1, pid: child.pid, startMs: this.#now(), exitCode: null, exitSignal: null };
    this.report.runs.push(run);
    this.report.pid ??= child.pid;
    const out = child.stdout;
    const err = child.stderr;
    this.#outputRead = new Promise((resolve) => child.process.once('close', resolve));
    const sigpipe = (): void => {
      try {
        if (!child.exited) process.kill(child.pid, 'SIGPIPE');
      } catch {
        // gone meanwhile: nothing to tell
      }
    };
    if (out) copyOutput(out, runOutput().out, sigpipe);
    if (err) copyOutput(err, runOutput().err, sigpipe);
    const spec = this.#o.ready;
    if (!spec) return void this.#markReady(run, false);
    const extra = spec.kind === 'fd' ? (child.process.stdio[spec.fd] as Readable | null | undefined) : undefined;
    waitForReady(spec, { stdout: out, stderr: err, stdio: child.process.stdio, exited: child.waitForExit() }, {
      timeoutMs: this.#o.readyTimeoutMs,
      signal: this.#stopAbort.signal,
    }).then(
      () => this.#markReady(run, true),
      (error: unknown) => {
        if (this.#stopping || error instanceof ReadyExitedError && child.exited) return;
        run.readyError = messageOf(error);
        say(`${run.readyError}; stopping the child`);
        void child.close().catch(() => {});
      },
    ).finally(() => extra?.resume()); // keep the readiness fd drained so the child never blocks on it
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
    const run = this.report.runs.at(-1);
    const child = this.#sup.child;
    if (run?.readyError !== undefined && !this.#stopping) {
      // A readiness timeout is a failed run even if the child exited 0 when stopped: the supervisor
      // reads `exit.error` right after this event to choose whether to restart.
      exit.error ??= new ReadinessTimeoutError(undefined, this.#o.readyTimeoutMs, this.#o.ready ? describeReadySpec(this.#o.ready) : '?');
    }
    if (run) {
      run.exitCode = exit.code;
      run.exitSignal = exit.signal;
      run.uptimeMs = exit.uptimeMs;
      void child?.close().then((r) => (run.cleanup = r.escalation), () => (run.cleanup = 'sigkill'));
    }
    if (this.#stopping) return;
    const childCode = exit.signal ? signalExitCode(exit.signal) : (exit.code ?? 1);
    // A code that means "do not restart": stopping the supervisor now makes it skip the restart.
    const noRestart = exit.code !== null && this.#o.noRestartOn.has(exit.code);
    if (noRestart) void this.#sup.close();
    setImmediate(() => {
      if (this.#stopping || (this.#sup.state !== 'stopped' && !noRestart)) return;
      const outcome = run?.readyError === undefined ? 'exited' : 'ready-timeout';
      const why = noRestart ? ` (${exit.code} is in --no-restart-on)` : '';
      this.#end({ outcome, childCode }, `child exited (${describeExit(exit)})${why}`);
    });
  }

  #onRestart(delayMs: number): void {
    const run = this.report.runs.at(-1);
    if (run) run.restartDelayMs = delayMs;
    this.report.restarts += 1;
    say(`child exited (${run ? describeExit({ code: run.exitCode, signal: run.exitSignal }) : '?'}); restart #${this.report.restarts} in ${delayMs} ms`);
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
    this.report.stop = { received, sender: 'unknown', stopSignal: this.#o.stopSignal, escalation: 'none', forced: false, durationMs: 0, survivors: null, processes: [] };
    const target = { supervisor: this.#sup, child: child && !child.exited ? child : undefined, options: this.#o, received, force: this.#force };
    runStop(target).then(
      ({ stop, result }) => {
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

function describeExit(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** Inherit the runner's stdio; pipe (and copy through) what readiness must read. */
function childStdio(o: RunOptions): (string | number)[] {
  const spec = o.ready;
  if (spec?.kind === 'log') return ['inherit', 'pipe', 'pipe'];
  if (spec?.kind !== 'fd') return ['inherit', 'inherit', 'inherit'];
  const stdio: (string | number)[] = ['inherit', 'inherit', 'inherit'];
  while (stdio.length < spec.fd) stdio.push('ignore');
  stdio.push('pipe');
  return stdio;
}
