import { ProcessSurvivorsError } from '../../errors.js';
import { messageOf } from '../../internal/describe.js';
import type { ManagedChild, Supervisor } from '../../process/index.js';
import { describeReadySpec, waitForReady } from '../ready-spec.js';
import { notifySystemd, reloadingState } from './notify.js';
import type { RunOptions } from './options.js';
import { describeExit, say } from './output.js';
import type { RunAttempt, RunReload, RunReport } from './report.js';

export interface ReloadContext {
  options: RunOptions;
  supervisor: Supervisor;
  /** Spawns a child the way every start does (same command, same sockets); throws SpawnError. */
  spawn: () => ManagedChild;
  /** Copies its output through and records it in the report's runs. */
  attach: (child: ManagedChild, reload: number) => RunAttempt;
  /** The report's run of a child started earlier. */
  runOf: (child: ManagedChild) => RunAttempt | undefined;
  /** Aborted when the runner's stop begins: the reload is abandoned, the stop closes both children. */
  stopping: AbortSignal;
  /** Aborted at the stop's deadline or by a second signal: SIGKILL now. */
  force: AbortSignal;
  /** Children the runner's stop must close besides the supervisor's current one. */
  extra: Set<ManagedChild>;
  now: () => number;
}

/**
 * A new child on the same sockets; once it is ready (a readiness only it can give), it becomes the
 * supervisor's child and the old one gets the normal stop (stop signal, then SIGKILL at the deadline,
 * the whole tree). A new child that is not ready in time is stopped and the old one serves on.
 */
export async function reloadChild(ctx: ReloadContext, entry: RunReload): Promise<void> {
  const o = ctx.options;
  void notifySystemd(reloadingState(`reload #${entry.reload} (${entry.signal}): starting a new child`));
  let child: ManagedChild;
  try {
    child = ctx.spawn();
  } catch (error) {
    return fail(entry, messageOf(error), serving(ctx));
  }
  entry.pid = child.pid;
  ctx.extra.add(child);
  const run = ctx.attach(child, entry.reload);
  try {
    if (o.ready) {
      await waitForReady(
        o.ready,
        { stdout: child.stdout, stderr: child.stderr, stdio: child.process.stdio, exited: child.waitForExit() },
        {
          timeoutMs: o.readyTimeoutMs,
          signal: ctx.stopping,
        },
      );
    }
  } catch (error) {
    if (ctx.stopping.aborted) return void (entry.result = 'aborted'); // the stop closes it (ctx.extra)
    run.readyError = messageOf(error);
    await closeRecorded(child, run, ctx).catch(() => {}); // survivors: still in ctx.extra for the stop
    if (child.exited) ctx.extra.delete(child);
    return fail(entry, `${run.readyError}; child ${child.pid} stopped`, serving(ctx));
  }
  // Keep a readiness fd drained, so the child never blocks writing to it.
  if (o.ready?.kind === 'fd') (child.process.stdio[o.ready.fd] as NodeJS.ReadableStream | null | undefined)?.resume();
  if (ctx.stopping.aborted) return void (entry.result = 'aborted');
  run.readyMs = ctx.now() - run.startMs;
  entry.readyMs = run.readyMs;
  ctx.extra.delete(child);
  const previous = ctx.supervisor.child;
  const old = ctx.supervisor.replace(child);
  const ready = o.ready ? ` (${describeReadySpec(o.ready)})` : '';
  // The old child died while this one got ready: it takes over, the sockets never closed.
  const died = previous?.exited
    ? `; it takes over from child ${previous.pid} (${describeExit({ code: previous.exitCode, signal: previous.signalCode })})`
    : '';
  say(
    `reload #${entry.reload}: child ${child.pid} ready${ready} after ${Math.round(run.readyMs)} ms${old ? `; stopping the old child ${old.pid}` : died}`,
  );
  void notifySystemd(['READY=1', `STATUS=reload #${entry.reload}: child ${child.pid} serving`]);
  if (!old) return void (entry.result = 'ok');
  ctx.extra.add(old);
  const started = performance.now();
  const oldEntry: NonNullable<RunReload['old']> = { pid: old.pid, escalation: 'none', durationMs: 0, survivors: [] };
  entry.old = oldEntry;
  try {
    oldEntry.escalation = (await closeRecorded(old, ctx.runOf(old), ctx)).escalation;
  } catch (error) {
    oldEntry.escalation = 'sigkill';
    if (error instanceof ProcessSurvivorsError) oldEntry.survivors = [...error.survivors];
  }
  oldEntry.durationMs = performance.now() - started;
  ctx.extra.delete(old);
  entry.result = oldEntry.survivors.length > 0 ? 'failed' : 'ok';
  if (entry.result === 'failed') entry.error = `the old child left survivors: ${oldEntry.survivors.join(', ')}`;
  const how = oldEntry.escalation === 'sigkill' ? `SIGKILLed after ${o.stopSignal}` : `after ${o.stopSignal}`;
  say(`reload #${entry.reload}: old child ${old.pid} stopped ${how} in ${Math.round(oldEntry.durationMs)} ms`);
}

/** The child still serving, if it did not die meanwhile. */
const serving = (ctx: ReloadContext): number | undefined =>
  ctx.supervisor.child?.exited === false ? ctx.supervisor.child.pid : undefined;

function fail(entry: RunReload, why: string, servingPid: number | undefined): void {
  // Out of RELOADING=1: the old child still serves.
  const status = servingPid === undefined ? 'no child is running' : `child ${servingPid} serving`;
  void notifySystemd(['READY=1', `STATUS=reload #${entry.reload} failed; ${status}`]);
  entry.result = 'failed';
  entry.error = why;
  say(
    `reload #${entry.reload} failed: ${why}; ${servingPid === undefined ? 'no child is running' : `the old child ${servingPid} serves on`}`,
  );
}

async function closeRecorded(
  child: ManagedChild,
  run: RunAttempt | undefined,
  ctx: ReloadContext,
): ReturnType<ManagedChild['close']> {
  const r = await child.close({ signal: ctx.force });
  if (run) {
    run.exitCode = r.code;
    run.exitSignal = r.signal;
    run.uptimeMs ??= ctx.now() - run.startMs;
  }
  return r;
}

/** The serving child ended while a reload gets its successor ready: the run waits for the reload (and ends if it fails). */
export function waitForTakeover(
  reloading: Promise<void> | undefined,
  pid: number | undefined,
  exit: { code: number | null; signal: string | null },
): Promise<void> | undefined {
  if (reloading)
    say(`child ${pid ?? '?'} exited (${describeExit(exit)}) during a reload: the new child takes over once ready`);
  return reloading;
}

/** The report's entry for a reload that begins now. */
export function openReload(report: RunReport, signal: NodeJS.Signals, atMs: number): RunReload {
  const entry: RunReload = { reload: (report.reloads?.length ?? 0) + 1, signal, atMs, result: 'in-progress' };
  (report.reloads ??= []).push(entry);
  return entry;
}
