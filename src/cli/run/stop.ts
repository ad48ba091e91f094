import { ProcessSurvivorsError } from '../../errors.js';
import { setLongTimeout } from '../../internal/long-timer.js';
import type { ManagedChild, Supervisor } from '../../process/index.js';
import { signalExitCode } from '../signals.js';
import type { RunOptions } from './options.js';
import type { RunResult, RunStop } from './report.js';

/** SIGKILL comes this long before the deadline (a quarter of it, 100 ms to 2 s), so every death is
 * confirmed and the runner still exits in time: freezing, killing and re-walking a tree takes ~100 ms
 * on a loaded 2-core machine. */
export function killReserveMs(deadlineMs: number): number {
  return Math.min(2000, Math.max(100, Math.round(deadlineMs / 4)));
}

export interface StopTarget {
  supervisor: Supervisor;
  /** The running child, if one runs (none during a backoff wait or after it exited). */
  child: ManagedChild | undefined;
  options: RunOptions;
  received: NodeJS.Signals;
  /** Aborted by a second stop signal (reason 'second-signal') or here, at deadline − reserve. */
  force: AbortController;
}

/**
 * The stop sequence, from the module: --stop-signal to the whole tree (the managed child's close:
 * group, descendants, marker holders), wait for every one of them, SIGKILL what is left when the
 * deadline comes, confirm each death. The supervisor is closed first, so nothing restarts.
 */
export async function runStop(t: StopTarget): Promise<{ stop: RunStop; result: RunResult }> {
  const started = performance.now();
  const timer = setLongTimeout(
    () => t.force.abort('deadline'),
    t.options.deadlineMs - killReserveMs(t.options.deadlineMs),
  );
  const closing = t.child?.close({ signal: t.force.signal });
  const supervisorClosed = t.supervisor.close({ signal: t.force.signal }).catch(() => {});
  let escalation: RunStop['escalation'] = 'none';
  let survivors: number[] = [];
  let childCode: number | undefined;
  try {
    if (closing) {
      const r = await closing;
      escalation = r.escalation;
      childCode = r.signal ? signalExitCode(r.signal) : (r.code ?? undefined);
    }
  } catch (error) {
    escalation = 'sigkill';
    if (error instanceof ProcessSurvivorsError) survivors = [...error.survivors];
    else throw error;
  }
  await supervisorClosed;
  timer.clear();
  const processes = t.child?.closedProcesses ?? [];
  const forced = t.force.signal.aborted && t.force.signal.reason === 'second-signal';
  const outcome =
    survivors.length > 0 ? 'survivors' : escalation !== 'sigkill' ? 'stopped' : forced ? 'forced' : 'timed-out';
  const stop: RunStop = {
    received: t.received,
    sender: 'unknown',
    stopSignal: t.options.stopSignal,
    escalation,
    forced,
    durationMs: performance.now() - started,
    survivors,
    processes,
  };
  return { stop, result: childCode === undefined ? { outcome } : { outcome, childCode } };
}

/** One line for people: the processes beyond the child the stop found, or any it had to SIGKILL, each
 * with its pid and command (empty when the stop was only the child exiting on the stop signal). */
export function describeStopProcesses(stop: RunStop, childPid: number | undefined): string {
  const p = stop.processes;
  if (!p.some((x) => x.pid !== childPid || x.signal === 'SIGKILL' || x.survived)) return '';
  const list = p.map((x) => `${x.pid} (${x.command || '?'}): ${x.survived ? 'SURVIVED SIGKILL' : x.signal}`);
  return `stop: ${p.length} process${p.length === 1 ? '' : 'es'} of the tree: ${list.join(', ')}`;
}

/** The runner's hard deadline cut the stop short (freezing and walking a tree took longer than the kill
 * reserve on a loaded box): SIGKILL the child's own group now, synchronously, before the runner exits;
 * the guardian, which sees the runner go, finishes the rest. Its pgid is still ours: it is not reaped. */
export function killGroupNow(child: ManagedChild | undefined): void {
  if (!child || child.exited) return;
  try {
    process.kill(-child.pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The report's entry for a stop that begins now. Filled in when the stop completes; if the runner's
 * deadline comes first, this is what it knew. */
export function openStop(received: NodeJS.Signals, o: RunOptions): RunStop {
  return {
    received,
    sender: 'unknown',
    stopSignal: o.stopSignal,
    escalation: 'none',
    forced: false,
    durationMs: 0,
    survivors: null,
    processes: [],
  };
}
