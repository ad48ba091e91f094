// A shutdown report (the library's ShutdownReport as JSON, or `lastcall run --report`) → the render
// model: one bar per step on the report's time axis, the steps as the table.
import { UsageError } from '../errors.js';
import type { RenderDoc, RenderRow } from './model.js';
import { describeDeadline, describePreStop } from '../../core/deadline-text.js';

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
}

/** Kind, what the step waited for and the requests it answered, when the report has them. */
function detailText(s: StepLike): string {
  const parts = [s.kind ? `${s.kind}` : ''];
  if (Array.isArray(s.waitedFor) && s.waitedFor.length > 0) parts.push(`after ${s.waitedFor.join(', ')}`);
  if (s.requests) parts.push(`${s.requests.answered} answered (${s.requests.serverErrors} 5xx), ${s.requests.cut} cut`);
  const text = parts.filter(Boolean).join('; ');
  return text ? ` [${text}]` : '';
}

export interface ReportLike {
  steps: StepLike[];
  reason?: string;
  outcome?: string;
  exitCode?: number;
  durationMs?: number;
  deadlineMs?: number;
  startedAt?: string;
  [field: string]: unknown;
}

/** Throws a UsageError naming `source` and the first field that is not a report's. */
export function validateReportLike(value: unknown, source: string): ReportLike {
  const fail = (why: string): never => {
    throw new UsageError(`${source}: not a lastcall report: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected a JSON object');
  const steps = (value as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) return fail('expected "steps" to be an array');
  steps.forEach((step: unknown, i) => {
    const s = step as Record<string, unknown> | null;
    if (typeof s !== 'object' || s === null) return fail(`steps[${i}] is not an object`);
    for (const key of ['name', 'phase', 'status']) if (typeof s[key] !== 'string') fail(`steps[${i}].${key} is not a string`);
    for (const key of ['startMs', 'durationMs']) if (typeof s[key] !== 'number' || !Number.isFinite(s[key])) fail(`steps[${i}].${key} is not a number`);
  });
  return value as ReportLike;
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
  const end = Math.max(1, report.durationMs ?? 0, report.deadlineMs ?? 0, ...report.steps.map((s) => s.startMs + s.durationMs));
  const marks = [
    ...(report.durationMs === undefined ? [] : [{ atMs: report.durationMs, label: `end (exit ${report.exitCode ?? '?'})`, kind: 'exit' }]),
    ...(report.deadlineMs === undefined ? [] : [{ atMs: report.deadlineMs, label: 'deadline', kind: 'deadline' }]),
    ...(typeof (report.preStop as { durationMs?: unknown } | undefined)?.durationMs === 'number' ? [{ atMs: (report.preStop as { durationMs: number }).durationMs, label: 'pre-stop end', kind: 'deadline' }] : []),
  ];
  const outcome = report.outcome ?? (report.steps.some((s) => s.status !== 'ok' && s.status !== 'skipped') ? 'failed' : 'clean');
  const duration = report.durationMs === undefined ? '' : ` in ${Math.round(report.durationMs)} ms`;
  const deadline = report.deadlineMs === undefined ? undefined : describeDeadline(report.deadlineMs, report.deadlineSource as never);
  const timing = [deadline, describePreStop(report.preStop as never), handedDown(report)].filter(Boolean);
  return {
    title: `lastcall report${report.reason ? `: ${report.reason}` : ''}`,
    verdict: outcome,
    summary: `shutdown ${outcome}${duration}${report.exitCode === undefined ? '' : ` (exit ${report.exitCode})`}${report.startedAt ? `, started ${report.startedAt}` : ''}; ${report.steps.length} steps${timing.length > 0 ? `; ${timing.join('; ')}` : ''}`,
    rowsTitle: 'steps',
    rows,
    lanes: report.steps.map((s) => ({
      label: `${s.name} (${s.phase})`,
      bars: [{ startMs: s.startMs, endMs: s.startMs + s.durationMs, kind: `step ${s.status}`, title: `${s.name} (${s.phase}): ${s.status}, ${Math.round(s.durationMs)} ms${errorText(s.error) ? ` — ${errorText(s.error)}` : ''}` }],
    })),
    marks,
    legend: [
      ['ok', '#43a047'],
      ['failed', '#e53935'],
      ['timed out', '#fb8c00'],
      ['skipped', '#bdbdbd'],
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
