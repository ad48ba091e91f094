import type { ExitCodes, Outcome, Phase, ShutdownReport, StepReport } from './types.js';

const PHASE_ORDER: Record<Phase, number> = { start: 0, drain: 1, close: 2, finish: 3 };

export function decideOutcome(steps: readonly StepReport[], forced: boolean, crashed: boolean): Outcome {
  if (forced) return 'forced';
  if (steps.some((step) => step.status === 'timed-out' || (step.status === 'skipped' && step.error))) return 'timed-out';
  if (crashed || steps.some((step) => step.status === 'failed')) return 'failed';
  return 'clean';
}

export function decideExitCode(exitCodes: ExitCodes, report: Omit<ShutdownReport, 'exitCode'>): number {
  if (typeof exitCodes === 'function') return exitCodes(report);
  return exitCodes[report.outcome] ?? (report.outcome === 'clean' ? 0 : 1);
}

/** Phase order, then start time: the order in which things happened. */
export function sortSteps(steps: StepReport[]): StepReport[] {
  return steps.sort((a, b) => PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] || a.startMs - b.startMs);
}

export function summarize(report: ShutdownReport): string {
  const count = (status: StepReport['status']): number => report.steps.filter((step) => step.status === status).length;
  return (
    `shutdown ${report.outcome} in ${Math.round(report.durationMs)} ms (exit ${report.exitCode}): ` +
    `${count('ok')} ok, ${count('failed')} failed, ${count('timed-out')} timed out, ${count('skipped')} skipped`
  );
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
  for (const step of report.steps) {
    const timing = `${Math.round(step.startMs)}+${Math.round(step.durationMs)} ms`.padStart(14);
    const error = step.error ? `  ${step.error.message}` : '';
    lines.push(`  ${step.status.padEnd(9)} ${`${step.name} (${step.phase})`.padEnd(28)} ${timing}${error}`);
  }
  return lines.join('\n');
}
