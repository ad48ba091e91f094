// The report `lastcall run` writes (`--report <path>`, `--json`). Same family as the library's
// ShutdownReport (reason, outcome, exitCode, startedAt, durationMs, deadlineMs, steps), plus what a
// supervisor knows: the command, every run of the child, restarts and the stop.
import type { DeadlineSource } from '../../core/deadline-source.js';

/** How the run ended; each maps to an exit code (see run-exit-codes.ts, README "Exit codes"). */
export type RunOutcome =
  /** The child exited on its own and was not restarted: the runner exits with its code. */
  | 'exited'
  /** A stop signal; the whole tree was gone before the deadline: the child's own code (143 for a SIGTERM death). */
  | 'stopped'
  /** The tree was still alive at the deadline and was SIGKILLed. */
  | 'timed-out'
  /** A second stop signal: the tree was SIGKILLed at once. */
  | 'forced'
  /** The child crash-looped past --max-restarts within --restart-window. */
  | 'gave-up'
  /** The child was not ready within --ready-timeout (and was not restarted). */
  | 'ready-timeout'
  /** Processes outlived SIGKILL (a process in uninterruptible sleep, or one we may not signal). */
  | 'survivors'
  /** The command could not be started: not found (ENOENT) or not executable. */
  | 'spawn-failed'
  /** --pidfile is held by a live instance. */
  | 'pidfile-held'
  /** --pidfile could not be created (no directory, no permission, a corrupt file lastcall will not judge). */
  | 'pidfile-failed'
  /** A --listen socket could not be bound (the port is taken, a privileged port, a bad path). */
  | 'listen-failed';

/** How a session ended, before the report is finished. */
export interface RunResult {
  outcome: RunOutcome;
  /** The child's own code (signal death → 128+n), for the outcomes that pass it through. */
  childCode?: number;
}

/** A step, as in the library's report: the renderer draws both alike. */
export interface RunStep {
  /** `run #<n>` (a child's life), `ready #<n>`, `backoff #<n>`, `stop`. */
  name: string;
  phase: 'start' | 'run' | 'drain' | 'close' | 'finish';
  status: 'ok' | 'failed' | 'timed-out' | 'skipped';
  /** ms since `startedAt` (the runner's start), as a library step's is since its `startedAt`. */
  startMs: number;
  durationMs: number;
  error?: { message: string; code?: string };
}

/** One life of the child. */
export interface RunAttempt {
  attempt: number;
  pid: number;
  /** ms since the runner started. */
  startMs: number;
  /** ms from spawn to ready (undefined: never ready, or no --ready and it exited at once). */
  readyMs?: number;
  /** Why the readiness wait failed, if it did. */
  readyError?: string;
  exitCode: number | null;
  exitSignal: string | null;
  uptimeMs?: number;
  /** ms since the runner started, when its exit (and its leftovers' cleanup) was handled. */
  endMs?: number;
  /** The backoff chosen before the next attempt, when it was restarted. */
  restartDelayMs?: number;
  /** Leftover descendants after the child exited on its own: 'exit' none, else the signal needed. */
  cleanup?: 'exit' | 'sigterm' | 'sigkill';
  /** Started by this reload (its number in `reloads`), not by the first start or a restart. */
  reload?: number;
}

/** A listening socket the runner holds and every child gets (`--listen`, or socket activation). */
export interface RunListenSocket {
  /** As given (`tcp:0`), or `activated` for one the runner was handed. */
  spec: string;
  name: string;
  /** Where it listens (`127.0.0.1:41234`, a path), '' for an activated one. */
  bound: string;
  /** Its fd in every child. */
  childFd: number;
}

/** One `--reload-signal`: a new child on the same sockets; once it is ready, the old one is stopped. */
export interface RunReload {
  reload: number;
  signal: string;
  /** ms since the runner started. */
  atMs: number;
  /** The new child (undefined: it could not be spawned). */
  pid?: number;
  /** ms from spawn to ready. */
  readyMs?: number;
  /** ok: the new child serves, the old one was stopped; failed: the new one was not ready (stopped,
   * the old one serves on); aborted: a stop signal came first (both were stopped). */
  result: 'in-progress' | 'ok' | 'failed' | 'aborted';
  error?: string;
  /** The old child's stop: the stop signal, then SIGKILL at the deadline, the whole tree. */
  old?: { pid: number; escalation: 'exit' | 'sigterm' | 'sigkill' | 'none'; durationMs: number; survivors: number[] };
}

export interface RunStop {
  /** The signal the runner received (SIGTERM, SIGINT). */
  received: string;
  /** Who sent it, as far as the runner can tell ('unknown': Node does not expose the sender). */
  sender: string;
  /** The signal the tree got first (--stop-signal). */
  stopSignal: string;
  /** The strongest step needed: the tree exited after the stop signal ('sigterm' = stop signal), or SIGKILL. */
  escalation: 'exit' | 'sigterm' | 'sigkill' | 'none';
  forced: boolean;
  durationMs: number;
  /** Pids still alive after SIGKILL and the confirmation wait (empty: all confirmed dead; null: the
   * runner reached its deadline before the check finished, so nothing is claimed). */
  survivors: number[] | null;
  /** Every process of the tree the stop signalled (the child and each descendant it found), in the
   * order found: pid, command line ('' if unreadable), the last signal sent (the stop signal or
   * SIGKILL), and whether it outlived SIGKILL. */
  processes: { pid: number; command: string; signal: string; survived: boolean }[];
}

export interface RunReport {
  kind: 'run';
  command: string[];
  /** The first child's pid (see runs for the others). */
  pid?: number;
  reason: string;
  outcome: RunOutcome;
  exitCode: number;
  /** ISO time at which the runner started: 0 on the steps' time axis. */
  startedAt: string;
  /** As in the library's report: ms from the stop request to the end (without a stop request, from
   * the moment the runner began ending: the child's own exit, or a failure before it ran). */
  durationMs: number;
  /** ms from `startedAt` to the stop request (the library's report: 0, it starts there). */
  stopMs: number;
  /** ms from `startedAt` to the end: the runner's whole life. */
  lifeMs: number;
  deadlineMs: number;
  /** Where deadlineMs came from. */
  deadlineSource?: DeadlineSource;
  /** The deadline handed to the child in LASTCALL_DEADLINE_MS (the runner's minus its kill reserve and a margin). */
  childDeadlineMs?: number;
  /** ms from the runner's start to the first ready child. */
  readyMs?: number;
  steps: RunStep[];
  runs: RunAttempt[];
  restarts: number;
  stop?: RunStop;
  pidfile?: string;
  /** systemd notification: 'sent', 'not-requested' (no NOTIFY_SOCKET), or why it could not be sent. */
  notify: string;
  /** Signals forwarded to the child's group, and those not sent again because the group already had them. */
  forwarded: { signal: string; action: 'sent' | 'already-pending' | 'no-child' }[];
  warnings: string[];
  /** --listen and activated sockets (absent when there are none). */
  listen?: RunListenSocket[];
  /** Every reload (absent without --reload-signal). */
  reloads?: RunReload[];
}
