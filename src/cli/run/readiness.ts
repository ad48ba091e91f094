// The supervised child's readiness (--ready): wait for it, record it, tell systemd READY=1 the first
// time. A reload's new child is waited for in reload.ts: it must be ready before it takes over.
import type { Readable } from 'node:stream';

import { ReadinessTimeoutError } from '../../errors.js';
import { messageOf } from '../../internal/describe.js';
import type { ManagedChild } from '../../process/index.js';
import { ReadyExitedError } from '../errors.js';
import { describeReadySpec, waitForReady } from '../ready-spec.js';
import { notifySystemd } from './notify.js';
import type { RunOptions } from './options.js';
import { say } from './output.js';
import type { RunAttempt, RunReport } from './report.js';

export interface ReadinessContext {
  options: RunOptions;
  report: RunReport;
  /** Aborted when the runner's stop begins: the wait is abandoned, its failure is no failure. */
  stopping: AbortSignal;
  now: () => number;
  /** The READY=1 notification in flight (settles at once when there is none). */
  notified: Promise<unknown>;
}

/** Waits for a child the supervisor started to be ready; one that is not gets its run's `readyError` and is stopped. */
export function watchReadiness(ctx: ReadinessContext, child: ManagedChild, run: RunAttempt): void {
  const out = child.stdout;
  const err = child.stderr;
  const spec = ctx.options.ready;
  if (!spec) return void markReady(ctx, run, false);
  const extra = spec.kind === 'fd' ? (child.process.stdio[spec.fd] as Readable | null | undefined) : undefined;
  waitForReady(
    spec,
    { stdout: out, stderr: err, stdio: child.process.stdio, exited: child.waitForExit() },
    {
      timeoutMs: ctx.options.readyTimeoutMs,
      signal: ctx.stopping,
    },
  )
    .then(
      () => markReady(ctx, run, true),
      (error: unknown) => {
        if (ctx.stopping.aborted || (error instanceof ReadyExitedError && child.exited)) return;
        run.readyError = messageOf(error);
        say(`${run.readyError}; stopping the child`);
        void child.close().catch(() => {});
      },
    )
    .finally(() => extra?.resume()); // keep the readiness fd drained so the child never blocks on it
}

function markReady(ctx: ReadinessContext, run: RunAttempt, announce: boolean): void {
  const { options: o, report } = ctx;
  run.readyMs = ctx.now() - run.startMs;
  if (report.readyMs !== undefined) return;
  report.readyMs = ctx.now();
  if (process.env.NOTIFY_SOCKET) report.notify = 'sending';
  if (announce && o.ready) {
    say(`ready (${describeReadySpec(o.ready)}) after ${Math.round(run.readyMs)} ms`);
  }
  ctx.notified = notifySystemd('READY=1').then((result) => {
    report.notify = result;
    if (result.startsWith('not-sent')) say(`systemd ${result}`);
  });
}

/** What a child that was not ready in time exited with, whatever its code: the run fails (or restarts). */
export function readinessTimeout(o: RunOptions): ReadinessTimeoutError {
  return new ReadinessTimeoutError(undefined, o.readyTimeoutMs, o.ready ? describeReadySpec(o.ready) : '?');
}
