import { performance } from 'node:perf_hooks';

import { messageOf } from '../internal/describe.js';
import { appExitCode, exitRequests, worseExitCode } from './exit/exit-guard.js';
import { startWatchdog, type Watchdog } from './exit/watchdog.js';
import { accountLosses } from './losses.js';
import { decideExitCode, decideOutcome, serializeReport, sortSteps, summarize } from './report.js';
import type { ShutdownContext } from './shutdown-context.js';
import type { PreStopReport, ShutdownReport, StepReport } from './types.js';

/** What a shutdown knows when it writes its report. */
export interface ReportInput {
  reason: string;
  includeStart: boolean;
  /** performance.now() when the shutdown began, and the same moment as a date. */
  origin: number;
  startedAt: Date;
  preStop: PreStopReport | undefined;
  failure?: Error;
  /** Steps still running when the process exits mid-shutdown. */
  cut?: StepReport[];
}

/** The final report: steps in order, losses warned about, the exit code decided, the summary logged. */
export function buildReport(ctx: ShutdownContext, input: ReportInput): ShutdownReport {
  const { options, force, logger } = ctx;
  const { reason, includeStart, origin, preStop } = input;
  const steps = sortSteps([
    ...ctx.reports.filter((step) => includeStart || step.phase !== 'start'),
    ...(input.cut ?? []),
  ]);
  for (const line of accountLosses(steps, ctx.steps, origin)) logger.log('warn', {}, line);
  const crash = ctx.crash() ?? input.failure;
  const partial: Omit<ShutdownReport, 'exitCode'> = {
    reason,
    outcome: decideOutcome(steps, force.aborted, crash !== undefined),
    startedAt: input.startedAt.toISOString(),
    durationMs: performance.now() - origin,
    deadlineMs: options.deadlineMs,
    deadlineSource: options.deadlineSource,
    ...(preStop ? { preStop } : {}),
    steps,
  };
  if (crash) partial.error = crash;
  const requests = exitRequests();
  if (requests.length > 0) {
    partial.exitRequests = requests.map((request) => ({ ...request }));
    for (const { code, at, step } of requests)
      logger.log(
        'info',
        { code, at, step },
        `process.exit(${code}) called${at ? ` at ${at}` : ''} during shutdown: deferred until this report${step ? `; step "${step}" called it and ended there` : ''}`,
      );
  }
  // Exiting the process, lastcall's exit replaces Node's, which would have used process.exitCode.
  const appCode = options.exit ? appExitCode() : undefined;
  if (appCode !== undefined)
    logger.log('info', { code: appCode }, `process.exitCode was set to ${appCode}: the exit code is at least that`);
  // The worse of lastcall's code and the codes asked for: a failure is never turned into 0.
  const report = {
    ...partial,
    exitCode: worseExitCode(decideExitCode(options.exitCodes, partial, logger), options.exit),
  };
  // Serialized: a logger such as pino would print the report's Error objects as `{}`.
  logger.log(
    report.outcome === 'clean' ? 'info' : 'warn',
    logger.structured ? { report: serializeReport(report) } : {},
    summarize(report),
  );
  return report;
}

/** The watchdog thread for one shutdown, or undefined (with a warning) when it cannot start. */
export function startShutdownWatchdog({ options, logger }: ShutdownContext): Watchdog | undefined {
  // The code the watchdog exits with is decided now: once it fires, this thread may be stuck.
  const { deadlineMs } = options;
  const whenFired: Omit<ShutdownReport, 'exitCode'> = {
    reason: 'deadline',
    outcome: 'timed-out',
    startedAt: '',
    durationMs: deadlineMs,
    deadlineMs,
    steps: [],
  };
  try {
    return startWatchdog(deadlineMs, decideExitCode(options.exitCodes, whenFired, logger));
  } catch (error) {
    logger.log('warn', { err: error }, `watchdog thread could not start: ${messageOf(error)}`);
    return undefined;
  }
}
