import { writeFileSync } from 'node:fs';

import { PidFileHeldError } from '../../errors.js';
import { messageOf } from '../../internal/describe.js';
import { type LongTimer, setLongTimeout } from '../../internal/long-timer.js';
import type { PidFileHandle } from '../../pidfile/index.js';
import { exitCodeFor } from './exit-codes.js';
import { FORWARDED_SIGNALS, isSignalPending } from './forward.js';
import { RUN_HELP } from './help.js';
import { openListenSockets } from './listen.js';
import { parseRunOptions, type RunOptions } from './options.js';
import { finishOutput, runOutput, say, setPrivateOutput } from './output.js';
import type { RunOutcome, RunReport } from './report.js';
import { stepsOf } from './report-steps.js';
import { type RunResult, RunSession } from './session.js';
import { describeStaleReason } from './stale-reason.js';
import { describeStopProcesses, killGroupNow } from './stop.js';

/** One line, for when lastcall itself runs as PID 1 (a container's entrypoint): see README "PID 1". */
export const PID1_WARNING =
  'lastcall: running as PID 1: Node cannot reap orphaned processes, so zombies of other processes may pile up; ' +
  'run the container with --init (docker run --init, or Kubernetes shareProcessNamespace) or put tini first: ENTRYPOINT ["tini", "-s", "--", "lastcall", "run", "--", ...]';

/** How long the runner waits for its last lines and report to be written before it exits anyway. */
const OUTPUT_FLUSH_MS = 100;
/** How much longer a write still in the thread pool on a shared socket may take before it is failed. */
const STUCK_OUTPUT_MS = 1000;

/** How long the end of a run waits for a READY=1 still in flight and the child's output to be read. */
const LOOSE_ENDS_MS = 100;

/** `lastcall run [options] -- <command> [args...]`: supervise any command (README: "lastcall run"). */
export async function main(argv: string[]): Promise<number> {
  const o = parseRunOptions(argv);
  if (!o) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  // With --ready log: the child's stdout/stderr are pipes to us: our own are then ours alone.
  setPrivateOutput(o.ready?.kind === 'log' ? [1, 2] : []);
  const startedAt = new Date();
  const report: RunReport = {
    kind: 'run',
    command: [o.command, ...o.args],
    reason: '',
    outcome: 'exited',
    exitCode: 0,
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    stopMs: 0,
    lifeMs: 0,
    deadlineMs: o.deadlineMs,
    steps: [],
    runs: [],
    restarts: 0,
    notify: 'not-requested',
    forwarded: [],
    warnings: [],
    deadlineSource: o.deadlineSource,
  };
  for (const warning of o.warnings) {
    say(warning.replace(/^lastcall: /, ''));
    report.warnings.push(warning);
  }
  if (process.pid === 1) {
    say(PID1_WARNING.replace(/^lastcall: /, ''));
    report.warnings.push(PID1_WARNING);
  }
  let pidfile: PidFileHandle | undefined;
  if (o.pidfile !== undefined) {
    report.pidfile = o.pidfile;
    try {
      // Loaded only when asked for: every module read before the spawn delays the child's start.
      const { acquirePidFile } = await import('../../pidfile/index.js');
      pidfile = await acquirePidFile(o.pidfile, { waitMs: o.pidfileWaitMs });
      const took = pidfile.takeover;
      if (took)
        say(`took over ${o.pidfile}: its holder (PID ${took.pid}) was stale ${describeStaleReason(took.reason)}`);
    } catch (error) {
      // The library's hint names its option; a CLI user has the flag.
      say(messageOf(error).replace('pass waitMs to wait for it', 'pass --pidfile-wait <duration> to wait for it'));
      const outcome: RunOutcome = error instanceof PidFileHeldError ? 'pidfile-held' : 'pidfile-failed';
      const code = finish(o, report, { outcome }, startedAt, undefined, undefined);
      await finishOutput(OUTPUT_FLUSH_MS, STUCK_OUTPUT_MS);
      process.exit(code);
    }
  }
  let sockets: Awaited<ReturnType<typeof openListenSockets>> | undefined;
  if (o.listen.length > 0 || o.activated > 0) {
    try {
      sockets = await openListenSockets(o, report);
    } catch (error) {
      say(messageOf(error));
      const code = finish(o, report, { outcome: 'listen-failed' }, startedAt, pidfile, undefined);
      await finishOutput(OUTPUT_FLUSH_MS, STUCK_OUTPUT_MS);
      process.exit(code);
    }
  }
  const session = new RunSession(o, report, sockets?.fds);
  const removeHandlers = installSignals(session, report, o.reloadSignal);
  // Whatever the tree does, the runner is gone by the deadline (+ the time to write the report).
  let hardTimer: LongTimer | undefined;
  let stopAt: number | undefined;
  const deadline = new Promise<RunResult>((resolve) => {
    session.onStop = () => {
      stopAt = performance.now();
      // Nothing the runner does between here and the end writes to stdout/stderr, so this thread stays
      // free for the timer (a watchdog thread was measured: +100-200 ms on every stop, for nothing).
      hardTimer = setLongTimeout(() => resolve({ outcome: 'timed-out' }), o.deadlineMs);
    };
  });
  const result = await Promise.race([session.done, deadline]);
  hardTimer?.clear();
  // A READY=1 still being sent (systemd-notify runs a few ms) and the child's last output still in its
  // pipe get a moment, within the deadline, so the report says whether it went out and nothing is lost.
  const leftMs = stopAt === undefined ? LOOSE_ENDS_MS : o.deadlineMs - (performance.now() - stopAt);
  if (result.outcome !== 'timed-out') await session.waitForLooseEnds(Math.max(0, Math.min(LOOSE_ENDS_MS, leftMs)));
  if (report.stop && result.outcome === 'timed-out' && report.stop.survivors === null) {
    report.stop.durationMs = o.deadlineMs;
    report.stop.processes = session.child?.closedProcesses ?? []; // what it had reached so far
    killGroupNow(session.child);
    report.stop.escalation = 'sigkill'; // its kill point (deadline − reserve) has passed: exit 124's meaning
  }
  removeHandlers();
  sockets?.release();
  const code = finish(o, report, result, startedAt, pidfile, stopAt);
  // Exit as soon as the report is out (bounded: a stalled reader, or a tree that could not be confirmed
  // gone, does not hold it): letting Node wind down its handles on its own adds milliseconds to every stop.
  await settledSoon(session.done);
  // A write stuck on a socket nobody reads gets what is left of the deadline (at least 100 ms, at most 1 s).
  const leftAtEnd = stopAt === undefined ? STUCK_OUTPUT_MS : o.deadlineMs - (performance.now() - stopAt);
  await finishOutput(OUTPUT_FLUSH_MS, Math.max(OUTPUT_FLUSH_MS, Math.min(STUCK_OUTPUT_MS, leftAtEnd)));
  process.exit(code);
}

function installSignals(session: RunSession, report: RunReport, reloadSignal: NodeJS.Signals | undefined): () => void {
  // Still ours until exit, but inert once the run is over: a late signal is ignored, not a default
  // death that skips the report (and no handler is re-installed: each costs a sigaction round trip).
  let active = true;
  const onStop = (signal: NodeJS.Signals): void => {
    if (active) return session.stopping ? session.force() : session.stop(signal);
  };
  const onForward = (signal: NodeJS.Signals): void => {
    const child = session.child;
    if (!active) return;
    // The child's leader not yet reaped means its pid and group id cannot have been reused.
    if (!child || child.exited) return void report.forwarded.push({ signal, action: 'no-child' });
    if (isSignalPending(child.pid, signal)) return void report.forwarded.push({ signal, action: 'already-pending' });
    try {
      process.kill(-child.pgid, signal);
      report.forwarded.push({ signal, action: 'sent' });
    } catch {
      report.forwarded.push({ signal, action: 'no-child' });
    }
  };
  for (const s of ['SIGTERM', 'SIGINT'] as const) process.on(s, onStop);
  for (const s of FORWARDED_SIGNALS) if (s !== reloadSignal) process.on(s, onForward);
  if (reloadSignal) process.on(reloadSignal, (signal: NodeJS.Signals) => active && session.reload(signal));
  return () => {
    active = false;
  };
}

function finish(
  o: RunOptions,
  report: RunReport,
  result: RunResult,
  startedAt: Date,
  pidfile: PidFileHandle | undefined,
  stopAt: number | undefined,
): number {
  report.outcome = result.outcome;
  report.exitCode = exitCodeFor(result.outcome, result.childCode, o.exitCodes);
  // One meaning across the report family: durationMs runs from the stop request, as the library's.
  report.lifeMs = Date.now() - startedAt.getTime();
  const last = report.runs.at(-1);
  const endedAt = last?.uptimeMs === undefined ? report.lifeMs : last.startMs + last.uptimeMs;
  report.stopMs = Math.max(
    0,
    stopAt === undefined ? Math.min(endedAt, report.lifeMs) : report.lifeMs - (performance.now() - stopAt),
  );
  report.durationMs = report.lifeMs - report.stopMs;
  const stopLine = report.stop ? describeStopProcesses(report.stop, report.runs.at(-1)?.pid) : '';
  report.steps = stepsOf(report, stopLine);
  if (stopLine) say(stopLine);
  // The PID file goes before any output: a full stdout pipe (--json) may delay the exit, never the release.
  try {
    pidfile?.releaseSync();
  } catch (error) {
    report.warnings.push(`could not remove ${o.pidfile}: ${messageOf(error)}`);
  }
  // Sub-millisecond digits are noise in a report; one decimal keeps it readable.
  const json = JSON.stringify(
    report,
    (_key, value: unknown) =>
      typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 10) / 10 : value,
    2,
  );
  if (o.report !== undefined) {
    try {
      writeFileSync(o.report, `${json}\n`);
    } catch (error) {
      say(`could not write the report to ${o.report}: ${messageOf(error)}`);
    }
  }
  if (o.json) runOutput().out.write(`${json}\n`);
  return report.exitCode;
}

function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
  ]);
}
