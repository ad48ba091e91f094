// Runs → doctor's JSON result: checks combined over runs (worst status, median value) and the first
// run's timeline, with requests merged into runs of equal outcome so the file stays small.
import type { Check, CheckStatus } from './checks.js';
import type { RunObservation } from './run.js';

type Mark<K extends string> = { kind: K; atMs: number; label: string };
type Segment<K extends string> = { kind: K; startMs: number; endMs: number; outcome: string; count: number };

export type TimelineEvent =
  | Mark<'ready'>
  | Mark<'signal'>
  | Mark<'second-signal'>
  | Mark<'deadline'>
  | { kind: 'exit'; atMs: number; label: string; code: number | null; signal: string | null; killedByDoctor: boolean }
  | RequestsEvent
  | Segment<'intake'>
  | Segment<'readiness'>
  | { kind: 'connections'; atMs: number; open: number }
  | { kind: 'process'; pid: number; ppid: number; command: string; startMs: number; endMs: number; orphan: boolean };

/** When a run of requests was answered, relative to the signal and the deadline. */
export type AnsweredPhase = 'before-signal' | 'after-signal' | 'after-deadline';

/** A client's consecutive answers of one outcome in one phase: sent startMs–endMs, answered first–lastAnswerMs. */
export interface RequestsEvent {
  kind: 'requests';
  client: number;
  startMs: number;
  endMs: number;
  outcome: string;
  count: number;
  firstAnswerMs: number;
  lastAnswerMs: number;
  answered: AnsweredPhase;
}

export interface DoctorResult {
  verdict: 'pass' | 'warn' | 'fail';
  command: string[];
  checks: Check[];
  timeline: TimelineEvent[];
  runs: number;
}

const RANK: Record<CheckStatus, number> = { skip: 0, pass: 1, warn: 2, fail: 3 };

export function combineChecks(perRun: readonly Check[][]): Check[] {
  const ids = [...new Set(perRun.flat().map((c) => c.id))];
  return ids.map((id) => {
    const all = perRun.flatMap((checks) => checks.filter((c) => c.id === id));
    const worst = all.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
    const values = all.map((c) => c.value).filter((v): v is number => v !== null);
    const runs = all.length > 1 ? ` (worst of ${all.length} runs${values.length ? '; value: median' : ''})` : '';
    return { ...worst, message: worst.message + runs, value: values.length ? median(values) : null };
  });
}

export function verdictOf(checks: readonly Check[]): DoctorResult['verdict'] {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  return checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}

export function timelineOf(obs: RunObservation, signal: string): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const r = (n: number): number => Math.round(n * 10) / 10;
  if (obs.ready.ok) events.push({ kind: 'ready', atMs: r(obs.ready.atMs), label: 'ready' });
  if (obs.signalMs !== undefined) {
    events.push({ kind: 'signal', atMs: r(obs.signalMs), label: signal });
    events.push({ kind: 'deadline', atMs: r(obs.signalMs + obs.deadlineMs), label: 'deadline' });
  }
  if (obs.secondSignalMs !== undefined)
    events.push({ kind: 'second-signal', atMs: r(obs.secondSignalMs), label: `second ${signal}` });
  const deadlineAt = obs.signalMs === undefined ? undefined : obs.signalMs + obs.deadlineMs;
  for (const seg of requestRuns(obs.requests, obs.signalMs, deadlineAt))
    events.push({
      ...seg,
      startMs: r(seg.startMs),
      endMs: r(seg.endMs),
      firstAnswerMs: r(seg.firstAnswerMs),
      lastAnswerMs: r(seg.lastAnswerMs),
    });
  const probeOutcome = (p: { status: number; closing: boolean; failure?: string }): string =>
    p.failure ?? (p.status >= 500 ? '5xx' : p.closing ? 'closing' : 'served');
  for (const seg of merge(obs.intake.map((p) => ({ startMs: p.atMs, endMs: p.atMs, outcome: probeOutcome(p) }))))
    events.push({ kind: 'intake', ...seg });
  const readyOutcome = (p: { status: number; failure?: string }): string =>
    p.failure ?? (p.status >= 200 && p.status < 300 ? '2xx' : `non-2xx`);
  for (const seg of merge(obs.readiness.map((p) => ({ startMs: p.atMs, endMs: p.atMs, outcome: readyOutcome(p) }))))
    events.push({ kind: 'readiness', ...seg });
  for (const [atMs, open] of obs.connections) events.push({ kind: 'connections', atMs: r(atMs), open });
  for (const p of obs.processes)
    events.push({
      kind: 'process',
      pid: p.pid,
      ppid: p.ppid,
      command: p.command,
      startMs: r(p.firstSeenMs),
      endMs: r(p.lastSeenMs),
      orphan: p.orphan,
    });
  if (obs.exit) {
    const { atMs, code, signal: killedBy, killedByDoctor } = obs.exit;
    events.push({
      kind: 'exit',
      atMs: r(atMs),
      label: killedByDoctor ? 'SIGKILL (doctor)' : `exit ${code ?? killedBy ?? '?'}`,
      code,
      signal: killedBy,
      killedByDoctor,
    });
  }
  return events;
}

/** Consecutive items with the same outcome become one segment with a count. */
function merge(
  items: Array<{ startMs: number; endMs: number; outcome: string }>,
): Array<{ startMs: number; endMs: number; outcome: string; count: number }> {
  const out: Array<{ startMs: number; endMs: number; outcome: string; count: number }> = [];
  for (const item of items.sort((a, b) => a.startMs - b.startMs)) {
    const last = out[out.length - 1];
    if (last && last.outcome === item.outcome) {
      last.endMs = Math.max(last.endMs, item.endMs);
      last.count += 1;
    } else out.push({ ...item, count: 1 });
  }
  return out;
}

/** Per client, in the order the answers came: consecutive answers of one outcome and one phase. */
function requestRuns(
  requests: RunObservation['requests'],
  signalMs: number | undefined,
  deadlineMs: number | undefined,
): RequestsEvent[] {
  const phase = (atMs: number): AnsweredPhase =>
    signalMs === undefined || atMs < signalMs
      ? 'before-signal'
      : deadlineMs === undefined || atMs < deadlineMs
        ? 'after-signal'
        : 'after-deadline';
  const out: RequestsEvent[] = [];
  const sorted = [...requests].sort((a, b) => a.client - b.client || a.answerMs - b.answerMs);
  for (const q of sorted) {
    const last = out[out.length - 1];
    const answered = phase(q.answerMs);
    if (last && last.client === q.client && last.outcome === q.outcome && last.answered === answered) {
      last.startMs = Math.min(last.startMs, q.startMs);
      last.endMs = Math.max(last.endMs, q.endMs);
      last.lastAnswerMs = q.answerMs;
      last.count += 1;
    } else
      out.push({
        kind: 'requests',
        client: q.client,
        startMs: q.startMs,
        endMs: q.endMs,
        outcome: q.outcome,
        count: 1,
        firstAnswerMs: q.answerMs,
        lastAnswerMs: q.answerMs,
        answered,
      });
  }
  return out;
}
