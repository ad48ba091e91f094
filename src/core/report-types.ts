// The shapes of what a shutdown reports: each step's outcome and counts, the pre-stop, the whole report.
import type { DeadlineSource } from './deadline-source.js';
import type { StepKind } from './kinds.js';

export type Phase = 'start' | 'drain' | 'close' | 'finish';

/** Requests an HTTP step handled once its drain began; the report's `requests`. */
export interface RequestCounts {
  /** Responses that finished. */
  answered: number;
  /** Of them, status >= 500 (503 included: probes and refusals answer it on purpose). */
  serverErrors: number;
  /** Of them, status >= 500 other than 503: requests the shutdown lost. */
  lost: number;
  /** Requests whose socket was destroyed before their response finished. */
  cut: number;
  /** The status when every 5xx had the same one. */
  serverErrorStatus?: number;
  /** performance.now() of the first 5xx. */
  firstServerErrorAt?: number;
}

/** Work registered with `life.track()` during the shutdown; the in-flight report's `work`. */
export interface WorkCounts {
  finished: number;
  /** Rejected (failed, or gave up on its abort signal) after shutdown began. */
  failed: number;
}

export type StepStatus = 'ok' | 'failed' | 'timed-out' | 'skipped';
export type Outcome = 'clean' | 'failed' | 'timed-out' | 'forced';

export interface StepReport {
  name: string;
  phase: Phase;
  status: StepStatus;
  /** ms since shutdown began (since start() began, for start steps). */
  startMs: number;
  durationMs: number;
  error?: Error;
  /** The step's kind (steps added with add()). */
  kind?: StepKind;
  /** Close phase: the steps whose close it waited for (by `dependsOn` or by tier). */
  waitedFor?: string[];
  /** HTTP steps (close phase): requests handled since their drain began; the first 5xx in ms since shutdown began. */
  requests?: Omit<RequestCounts, 'firstServerErrorAt'> & { firstServerErrorMs?: number };
  /** The in-flight step: tracked work that settled during the shutdown. */
  work?: WorkCounts;
  /** The hook called `process.exit(code)` (deferred): the step ended at that call. */
  exited?: number;
  /** Given up on (timed out, forced, abandoned, cut by the exit): what the step said it still had open then. */
  open?: string;
}

export interface ShutdownReport {
  reason: string;
  outcome: Outcome;
  exitCode: number;
  /** ISO time at which shutdown began. */
  startedAt: string;
  durationMs: number;
  deadlineMs: number;
  /** Where deadlineMs came from: `{ source: 'systemd', detail: 'app.service', platformMs: 90000, marginMs: 1000 }`. */
  deadlineSource?: DeadlineSource;
  /** The pre-stop wait (readiness false, still serving), when there was one: how long and why it ended. */
  preStop?: PreStopReport;
  /** The uncaught error that started this shutdown, if one did. */
  error?: Error;
  /** `process.exit()` calls made by other code during the shutdown, deferred until this report; absent when none. */
  exitRequests?: { code: number; at?: string; step?: string }[];
  steps: StepReport[];
}

/** 'quiet': no request arrived for the quiet window; 'maximum': preStopDelayMs was reached; 'no-server': no watched server, so the fixed preStopDelayMs; 'forced': a second signal or the deadline. */
export type PreStopEnd = 'quiet' | 'maximum' | 'no-server' | 'forced';

export interface PreStopReport {
  durationMs: number;
  reason: PreStopEnd;
  /** The quiet window it waited for (max of preStopQuietMs and 3× the largest gap before the stop). */
  quietMs?: number;
  /** ms after shutdown began at which the last request arrived during the pre-stop. */
  lastArrivalMs?: number;
}
