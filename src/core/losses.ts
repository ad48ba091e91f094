import { RequestsLostError } from '../errors.js';
import type { Step } from './step.js';
import type { RequestCounts, StepReport } from './types.js';

/**
 * What the HTTP steps handled once their drain began, put on their close report: a request cut
 * (socket destroyed before its response finished) or answered 5xx other than 503 was lost, so the
 * step did not end `ok`. Returns one warning line per step that answered 5xx, naming the steps that
 * had closed by its first one: the usual cause is a client closed under requests still running.
 */
export function accountLosses(reports: StepReport[], steps: ReadonlyMap<string, Step>, originMs: number): string[] {
  const lines: string[] = [];
  for (const step of steps.values()) {
    const counts = readCounts(step);
    if (counts === undefined) continue;
    const report =
      reports.findLast((r) => r.name === step.name && r.phase === 'close') ??
      reports.findLast((r) => r.name === step.name);
    if (report === undefined) continue;
    const { firstServerErrorAt, ...rest } = counts;
    report.requests =
      firstServerErrorAt === undefined ? rest : { ...rest, firstServerErrorMs: firstServerErrorAt - originMs };
    if ((counts.cut > 0 || counts.lost > 0) && report.status === 'ok') {
      report.status = 'failed';
      report.error = new RequestsLostError(step.name, counts.cut, counts.lost);
    }
    if (counts.serverErrors === 0) continue;
    const n = counts.serverErrors;
    const answered = `${n} request${n === 1 ? '' : 's'} answered ${counts.serverErrorStatus ?? '5xx'} during shutdown`;
    const at = (firstServerErrorAt ?? Infinity) - originMs;
    // What had begun closing by then: closes, and drain hooks of what serves the work (a client closed in its drain).
    const closed = reports
      .filter((r) => r.name !== step.name && r.startMs <= at)
      .filter((r) => r.phase === 'close' || (r.phase === 'drain' && (r.kind === 'client' || r.kind === 'telemetry')))
      .map((r) => `${r.name}${r.kind ? ` (${r.kind})` : ''} ${describeEnd(r, at)}`);
    lines.push(`${step.name}: ${answered}${closed.length > 0 ? `, after ${closed.join(', ')}` : ''}`);
  }
  return lines;
}

function describeEnd(r: StepReport, at: number): string {
  const end = r.startMs + r.durationMs;
  if (end <= at) return `${r.phase === 'close' ? 'closed' : 'drained'} at +${Math.round(end)} ms`;
  return `${r.phase === 'close' ? 'began closing' : 'began draining'} at +${Math.round(r.startMs)} ms`;
}

function readCounts(step: Step): RequestCounts | undefined {
  try {
    return step.hooks.requestCounts?.();
  } catch {
    return undefined; // a counter that throws says nothing; the step's own report stands
  }
}
