import { messageOf } from '../internal/describe.js';
import { describeDeadline, describePreStop } from './deadline-text.js';
import type { InternalLogger } from './logger.js';
import type { ExitCodes, Outcome, Phase, ShutdownReport, StepReport } from './types.js';

const PHASE_ORDER: Record<Phase, number> = { start: 0, drain: 1, close: 2, finish: 3 };

export function decideOutcome(steps: readonly StepReport[], forced: boolean, crashed: boolean): Outcome {
  if (forced) return 'forced';
  if (steps.some((step) => step.status === 'timed-out' || (step.status === 'skipped' && step.error)))
    return 'timed-out';
  if (crashed || steps.some((step) => step.status === 'failed')) return 'failed';
  return 'clean';
}

/** The exit code for a report; a broken `exitCodes` function falls back to 0/1 and is logged. */
export function decideExitCode(
  exitCodes: ExitCodes,
  report: Omit<ShutdownReport, 'exitCode'>,
  logger: InternalLogger,
): number {
  const fallback = report.outcome === 'clean' ? 0 : 1;
  if (typeof exitCodes !== 'function') return exitCodes[report.outcome] ?? fallback;
  try {
    const code = exitCodes(report);
    if (Number.isInteger(code) && code >= 0 && code <= 255) return code;
    logger.log('error', { code }, `exitCodes returned ${String(code)}, not an integer 0-255; using ${fallback}`);
  } catch (error) {
    logger.log('error', { err: error }, `exitCodes threw: ${messageOf(error)}; using ${fallback}`);
  }
  return fallback;
}

/** The log line for a step that failed or timed out; undefined for the others. */
export function describeStep(step: StepReport): string | undefined {
  if (step.status === 'ok') return undefined;
  const what = `step "${step.name}" (${step.phase})`;
  const open = step.open === undefined ? '' : `; still open: ${step.open}`;
  if (step.status === 'failed') return `${what} failed: ${messageOf(step.error)}${open}`;
  if (step.status === 'timed-out') return `${what} timed out after ${Math.round(step.durationMs)} ms${open}`;
  return `${what} skipped: ${step.error ? messageOf(step.error) : 'it never started'}`;
}

/** Phase order, then start time: the order in which things happened. */
export function sortSteps(steps: StepReport[]): StepReport[] {
  return steps.sort((a, b) => PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] || a.startMs - b.startMs);
}

/** `name (phase) status` of each step that did not end ok. */
export function namesNotOk(steps: readonly StepReport[]): string[] {
  return steps.filter((step) => step.status !== 'ok').map((step) => `${step.name} (${step.phase}) ${step.status}`);
}

export function summarize(report: ShutdownReport): string {
  const count: Record<StepReport['status'], number> = { ok: 0, failed: 0, 'timed-out': 0, skipped: 0 };
  for (const step of report.steps) count[step.status]++;
  // Every step that did not end ok is named: a count alone does not say which one to look at.
  const notOk = namesNotOk(report.steps);
  return (
    `shutdown ${report.outcome} in ${Math.round(report.durationMs)} ms (exit ${report.exitCode}): ` +
    `${count.ok} ok, ${count.failed} failed, ${count['timed-out']} timed out, ${count.skipped} skipped` +
    (notOk.length > 0 ? ` (${notOk.join(', ')})` : '')
  );
}

/** What else the report knows of a step: what it waited for, the requests it answered, tracked work. */
export function describeDetail(step: StepReport): string {
  const parts: string[] = [];
  if (step.waitedFor && step.waitedFor.length > 0) parts.push(`after ${step.waitedFor.join(', ')}`);
  const r = step.requests;
  if (r) parts.push(`${r.answered} answered (${r.serverErrors} 5xx), ${r.cut} cut`);
  if (step.work) parts.push(`work: ${step.work.finished} finished, ${step.work.failed} failed`);
  if (step.exited !== undefined) parts.push(`called process.exit(${step.exited})`);
  if (step.open !== undefined) parts.push(`still open: ${step.open}`);
  return parts.join('; ');
}

export interface SerializedError {
  name: string;
  code?: string;
  message: string;
}

/** The report as plain JSON data: errors become `{ name, code, message }`. */
export function serializeReport(report: ShutdownReport): object {
  const error = (value: Error | undefined): SerializedError | undefined => {
    if (!value) return undefined;
    const code = (value as { code?: unknown }).code;
    return { name: value.name, ...(typeof code === 'string' ? { code } : {}), message: value.message };
  };
  return {
    ...report,
    error: error(report.error),
    steps: report.steps.map((step) => ({ ...step, error: error(step.error) })),
  };
}

/** A plain-text table of the report, for terminals and logs. */
export function formatReport(report: ShutdownReport): string {
  const lines = [`${summarize(report)}; reason: ${report.reason}`];
  lines.push(
    `  ${[describeDeadline(report.deadlineMs, report.deadlineSource), describePreStop(report.preStop)].filter(Boolean).join('; ')}`,
  );
  for (const step of report.steps) {
    const timing = `${Math.round(step.startMs)}+${Math.round(step.durationMs)} ms`.padStart(14);
    const error = step.error ? `  ${step.error.message}` : '';
    const detail = describeDetail(step);
    const kind = (step.kind ?? '').padEnd(9);
    lines.push(
      `  ${step.status.padEnd(9)} ${`${step.name} (${step.phase})`.padEnd(28)} ${kind} ${timing}${detail ? `  ${detail}` : ''}${error}`,
    );
  }
  return lines.join('\n');
}
