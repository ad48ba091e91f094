// `lastcall doctor [options] -- <command> [args...]`: audit any service's shutdown from outside.
import { writeFileSync } from 'node:fs';
import type { Check } from './checks.js';
import { evaluateRun, secondSignalCheck } from './evaluate.js';
import { DOCTOR_USAGE, parseDoctorArgs } from './options.js';
import { combineChecks, type DoctorResult, timelineOf, verdictOf } from './result.js';
import { type RunObservation, runOnce } from './run.js';
import { findFreePort, killLiveServices } from './service.js';
import { doctorDoc } from '../render/doctor.js';
import { renderHtml } from '../render/html.js';
import { renderText } from '../render/text.js';

/** Exit codes: 0 no check failed, 1 a check failed, 2 usage error or never ready. */
export async function main(argv: string[]): Promise<number> {
  const options = parseDoctorArgs(argv);
  if (!options) {
    process.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    killLiveServices();
    process.stderr.write(`lastcall doctor: interrupted by ${signal}; the service's process group was killed\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const perRun: Check[][] = [];
    let first: RunObservation | undefined;
    for (let i = 0; i < options.runs; i++) {
      const obs = await runOnce(options, options.port ?? (await findFreePort()), false);
      first ??= obs;
      perRun.push(evaluateRun(obs, options.signal, options.files));
      if (!obs.ready.ok) break;
    }
    const checks = combineChecks(perRun);
    if (options.secondSignal && first?.ready.ok === true) {
      const obs = await runOnce(options, options.port ?? (await findFreePort()), true);
      checks.push(secondSignalCheck(obs, options.signal));
    }
    const result: DoctorResult = { verdict: verdictOf(checks), command: options.command, checks, timeline: first ? timelineOf(first, options.signal) : [], runs: perRun.length };
    if (options.html !== undefined) writeFileSync(options.html, renderHtml(doctorDoc(result)));
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stderr.write(renderText(doctorDoc(result)));
    if (first?.ready.ok !== true) return 2;
    return result.verdict === 'fail' ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}
