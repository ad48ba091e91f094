// The run report's `steps` (report.ts), derived once the run is over from what it recorded.
import type { RunReport } from './report.js';

/** The report's steps, drawn from runs and the stop (one renderer draws library and run reports);
 * `stopLine` names the stop's processes, the message of a stop that did not go cleanly. */
export function stepsOf(report: RunReport, stopLine: string): RunReport['steps'] {
  const steps: RunReport['steps'] = report.runs.map((run) => ({
    name: `run #${run.attempt}`,
    phase: 'run',
    status: run.readyError
      ? 'timed-out'
      : run.exitSignal === null && (run.exitCode ?? 0) === 0
        ? 'ok'
        : stoppedRun(report, run)
          ? 'ok'
          : 'failed',
    startMs: run.startMs,
    durationMs: run.uptimeMs ?? report.lifeMs - run.startMs,
    ...(run.readyError ? { error: { message: run.readyError } } : {}),
  }));
  for (const r of report.reloads ?? []) {
    const status = r.result === 'ok' ? 'ok' : r.result === 'failed' ? 'failed' : 'skipped';
    const name = `reload #${r.reload} (${r.signal}${r.old?.escalation === 'sigkill' ? ', old child SIGKILLed' : ''})`;
    const durationMs = (r.readyMs ?? 0) + (r.old?.durationMs ?? 0);
    steps.push({
      name,
      phase: 'run',
      status,
      startMs: r.atMs,
      durationMs,
      ...(r.error ? { error: { message: r.error } } : {}),
    });
  }
  const stop = report.stop;
  if (stop) {
    const status =
      stop.survivors === null || stop.survivors.length > 0
        ? 'failed'
        : stop.escalation === 'sigkill'
          ? 'timed-out'
          : 'ok';
    steps.push({
      name: `stop (${stop.stopSignal}${stop.escalation === 'sigkill' ? ' → SIGKILL' : ''})`,
      phase: 'close',
      status,
      startMs: report.stopMs,
      durationMs: stop.durationMs,
      ...(status !== 'ok' && stopLine ? { error: { message: stopLine } } : {}),
    });
  }
  return steps;
}

/** A run ended by our own stop (the final one, or a reload's): its signal death is the stop working. */
function stoppedRun(report: RunReport, run: RunReport['runs'][number]): boolean {
  // A reload's old child, stopped once the new one was ready, is the same: stopped, not failed.
  const reload = report.reloads?.find((r) => r.old?.pid === run.pid);
  if (reload?.old) return reload.old.escalation !== 'sigkill';
  return report.stop !== undefined && report.stop.escalation !== 'sigkill' && report.runs.at(-1) === run;
}
