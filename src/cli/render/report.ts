// A shutdown report (the library's ShutdownReport as JSON, or `lastcall run --report`) → the render
// model: one bar per step on the report's time axis, the steps as the table.
import { describeDeadline, describePreStop } from '../../core/deadline-text.js';
import { UsageError } from '../errors.js';
import type { RenderDoc, RenderRow } from './model.js';

/** The common subset of the library's report and the run report: steps, plus optional fields. */
export interface StepLike {
  name: string;
  phase: string;
  status: string;
  startMs: number;
  durationMs: number;
  error?: { message?: string } | string | null;
  kind?: string;
  waitedFor?: string[];
  requests?: { answered: number; serverErrors: number; cut: number };
  /** What a step given up on still had open. */
  open?: string;
}

/** Kind, what the step waited for and the requests it answered, when the report has them. */
function detailText(s: StepLike): string {
  const parts = [s.kind ? `${s.kind}` : ''];
  if (Array.isArray(s.waitedFor) && s.waitedFor.length > 0) parts.push(`after ${s.waitedFor.join(', ')}`);
  if (s.requests) parts.push(`${s.requests.answered} answered (${s.requests.serverErrors} 5xx), ${s.requests.cut} cut`);
  if (typeof s.open === 'string') parts.push(`still open: ${s.open}`);
  const text = parts.filter(Boolean).join('; ');
  return text ? ` [${text}]` : '';
}

export interface ReportLike {
  steps: StepLike[];
  reason?: string;
  outcome?: string;
  exitCode?: number;
  durationMs?: number;
  /** null: no deadline (JSON's Infinity). */
  deadlineMs?: number | null;
  /** A run report's: where the stop request is on the steps' axis. */
  stopMs?: number;
  startedAt?: string;
  [field: string]: unknown;
}

/** Larger is no duration of this world (about 31 years), and the axis' sums would overflow to Infinity. */
const MAX_MS = 1e12;
/** Fields of the report family that hold ms; `null` is JSON's Infinity (a deadline of none). */
const TOP_MS = ['durationMs', 'deadlineMs', 'stopMs', 'lifeMs', 'readyMs'] as const;

/** Throws a UsageError naming `source` and the first field that is not a report's: a bad number is never drawn. */
export function validateReportLike(value: unknown, source: string): ReportLike {
  const fail = (why: string): never => {
    throw new UsageError(`${source}: not a lastcall report: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected a JSON object');
  const report = value as Record<string, unknown>;
  const steps = report.steps;
  if (!Array.isArray(steps)) return fail('expected "steps" to be an array');
  steps.forEach((step: unknown, i) => {
    const s = step as Record<string, unknown> | null;
    if (typeof s !== 'object' || s === null) return fail(`steps[${i}] is not an object`);
    for (const key of ['name', 'phase', 'status'])
      if (typeof s[key] !== 'string') fail(`steps[${i}].${key} is not a string`);
    for (const key of ['startMs', 'durationMs']) validateMs(fail, `steps[${i}].${key}`, s[key], false);
  });
  for (const key of TOP_MS) validateMs(fail, key, report[key], true);
  const code = report.exitCode;
  if (code !== undefined && (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 255)) {
    fail(`exitCode is not an exit code (0-255), got ${shown(code)}`);
  }
  for (const key of ['reason', 'outcome', 'startedAt']) {
    if (report[key] !== undefined && typeof report[key] !== 'string')
      fail(`${key} is not a string, got ${shown(report[key])}`);
  }
  return value as ReportLike;
}

export function validateMs(fail: (why: string) => never, field: string, value: unknown, optional: boolean): void {
  if (optional && (value === undefined || value === null)) return;
  if (typeof value !== 'number' || !Number.isFinite(value))
    return fail(`${field} is not a number, got ${shown(value)}`);
  if (value < 0) fail(`${field} is negative (${value})`);
  if (value > MAX_MS) fail(`${field} is too large (${value} ms; at most ${MAX_MS})`);
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value);
  return `${text.slice(0, 40)} (${value === null ? 'null' : typeof value})`;
}

const STATUS: Record<string, string> = { ok: 'pass', failed: 'fail', 'timed-out': 'fail', skipped: 'skip' };

function errorText(error: StepLike['error']): string {
  if (error === undefined || error === null) return '';
  return typeof error === 'string' ? error : (error.message ?? '');
}

export function reportDoc(report: ReportLike): RenderDoc {
  const rows: RenderRow[] = report.steps.map((s) => ({
    id: `${s.name} (${s.phase})`,
    status: STATUS[s.status] ?? s.status,
    message: `${s.status} at ${Math.round(s.startMs)} ms, took ${Math.round(s.durationMs)} ms${detailText(s)}${errorText(s.error) ? `: ${errorText(s.error)}` : ''}`,
    value: Math.round(s.durationMs),
  }));
  // durationMs and deadlineMs count from the stop request, at stopMs on the steps' axis (a run
  // report's; the library's report begins with the stop).
  const stopMs = typeof report.stopMs === 'number' ? report.stopMs : 0;
  const deadlineMs = typeof report.deadlineMs === 'number' ? report.deadlineMs : undefined;
  const endMs = report.durationMs === undefined ? undefined : stopMs + report.durationMs;
  const end = Math.max(
    1,
    endMs ?? 0,
    deadlineMs === undefined ? 0 : stopMs + deadlineMs,
    ...report.steps.map((s) => s.startMs + s.durationMs),
  );
  const marks = [
    ...(typeof report.stopMs === 'number'
      ? [{ atMs: stopMs, label: report.reason ? `stop (${report.reason})` : 'stop', kind: 'signal' }]
      : []),
    ...(endMs === undefined ? [] : [{ atMs: endMs, label: `end (exit ${report.exitCode ?? '?'})`, kind: 'exit' }]),
    ...(deadlineMs === undefined ? [] : [{ atMs: stopMs + deadlineMs, label: 'deadline', kind: 'deadline' }]),
    ...(typeof (report.preStop as { durationMs?: unknown } | undefined)?.durationMs === 'number'
      ? [
          {
            atMs: stopMs + (report.preStop as { durationMs: number }).durationMs,
            label: 'pre-stop end',
            kind: 'deadline',
          },
        ]
      : []),
  ];
  const outcome =
    report.outcome ?? (report.steps.some((s) => s.status !== 'ok' && s.status !== 'skipped') ? 'failed' : 'clean');
  const duration = report.durationMs === undefined ? '' : ` in ${Math.round(report.durationMs)} ms`;
  const deadline = deadlineMs === undefined ? undefined : describeDeadline(deadlineMs, report.deadlineSource as never);
  const timing = [deadline, describePreStop(report.preStop as never), handedDown(report)].filter(Boolean);
  return {
    title: `lastcall report${report.reason ? `: ${report.reason}` : ''}`,
    verdict: outcome,
    summary: `shutdown ${outcome}${duration}${report.exitCode === undefined ? '' : ` (exit ${report.exitCode})`}${report.startedAt ? `, started ${report.startedAt}` : ''}; ${report.steps.length} steps${timing.length > 0 ? `; ${timing.join('; ')}` : ''}`,
    rowsTitle: 'steps',
    rows,
    lanes: report.steps.map((s) => ({
      label: `${s.name} (${s.phase})`,
      bars: [
        {
          startMs: s.startMs,
          endMs: s.startMs + s.durationMs,
          kind: `step ${s.status}`,
          title: `${s.name} (${s.phase}): ${s.status}, ${Math.round(s.durationMs)} ms${errorText(s.error) ? ` — ${errorText(s.error)}` : ''}`,
        },
      ],
    })),
    marks,
    legend: [
      ['ok', '#43a047'],
      ['failed', '#e53935'],
      ['timed out', '#fb8c00'],
      ['skipped', '#bdbdbd'],
      ...(typeof report.stopMs === 'number' ? [['stop request', '#6a1b9a', 'line'] as [string, string, 'line']] : []),
      ['deadline', '#c62828', 'line'],
      ['end', '#000', 'line'],
    ],
    startMs: 0,
    endMs: end,
  };
}

/** `lastcall run`'s report: the deadline it handed its child (LASTCALL_DEADLINE_MS). */
function handedDown(report: ReportLike): string | undefined {
  const child = report.childDeadlineMs;
  return typeof child === 'number' ? `child's deadline ${Math.round(child)} ms (handed down)` : undefined;
}
