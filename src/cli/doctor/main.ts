// `lastcall doctor [options] -- <command> [args...]`: audit any service's shutdown from outside.
import { writeFileSync } from 'node:fs';

import { messageOf } from '../../internal/describe.js';
import { doctorDoc } from '../render/doctor.js';
import { renderHtml } from '../render/html.js';
import { renderText } from '../render/text.js';
import type { Check } from './checks.js';
import { evaluateRun, secondSignalCheck } from './evaluate.js';
import { DOCTOR_USAGE, parseDoctorArgs, withPort } from './options.js';
import { platformCheck } from './platform.js';
import { combineChecks, type DoctorResult, timelineOf, verdictOf } from './result.js';
import { type RunObservation, runOnce } from './run.js';
import { findFreePort, stopLiveServices } from './service.js';

/** Doctor's own failure (not the service's): the service is stopped, the exit code says so. */
export const DOCTOR_ERROR_EXIT = 3;

/** Exit codes: 0 no check failed, 1 a check failed, 2 usage error or never ready, 3 doctor itself failed
 * (130/143: interrupted). Doctor started the service, so every way out ends it first. */
export async function main(argv: string[]): Promise<number> {
  const options = parseDoctorArgs(argv);
  if (!options) {
    process.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  let leaving = false;
  const leave = (code: number, line: string, json?: object): void => {
    if (leaving) return;
    leaving = true;
    void stopLiveServices().then(() => {
      process.stderr.write(`lastcall doctor: ${line}; the service was stopped\n`);
      if (json && options.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      process.exit(code);
    });
  };
  const onSignal = (signal: NodeJS.Signals): void => leave(signal === 'SIGINT' ? 130 : 143, `interrupted by ${signal}`);
  // An error escaping doctor (an 'error' event nobody heard, a bug): never leave the service running.
  const onCrash = (error: unknown): void => {
    const message = `internal error: ${messageOf(error)}`;
    leave(DOCTOR_ERROR_EXIT, message, { verdict: 'error', command: options.command, error: message, checks: [] });
  };
  process
    .on('SIGINT', onSignal)
    .on('SIGTERM', onSignal)
    .on('uncaughtException', onCrash)
    .on('unhandledRejection', onCrash);
  try {
    const perRun: Check[][] = [];
    let first: RunObservation | undefined;
    let firstPort: number | undefined;
    for (let i = 0; i < options.runs; i++) {
      const port = options.port ?? (await findFreePort());
      const obs = await runOnce(options, port, false);
      firstPort ??= port;
      first ??= obs;
      perRun.push(evaluateRun(obs, options.signal, options.files));
      if (!obs.ready.ok) break;
    }
    const checks = combineChecks(perRun);
    // The service gets doctor's environment: what a platform there hides, it hides from the service.
    const platform = first?.ready.ok === true ? platformCheck(process.env, options.deadlineMs) : undefined;
    if (platform) checks.push(platform);
    if (options.secondSignal && first?.ready.ok === true) {
      const obs = await runOnce(options, options.port ?? (await findFreePort()), true);
      checks.push(secondSignalCheck(obs, options.signal));
    }
    // The command as the first run (the one drawn) ran it: `{port}` replaced.
    const command = firstPort === undefined ? options.command : options.command.map((arg) => withPort(arg, firstPort));
    const result: DoctorResult = {
      verdict: verdictOf(checks),
      command,
      checks,
      timeline: first ? timelineOf(first, options.signal) : [],
      runs: perRun.length,
    };
    if (options.html !== undefined) writeFileSync(options.html, renderHtml(doctorDoc(result)));
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stderr.write(renderText(doctorDoc(result)));
    if (first?.ready.ok !== true) return 2;
    return result.verdict === 'fail' ? 1 : 0;
  } catch (error) {
    onCrash(error);
    return await new Promise<never>(() => {}); // leave() exits
  } finally {
    if (!leaving)
      process
        .off('SIGINT', onSignal)
        .off('SIGTERM', onSignal)
        .off('uncaughtException', onCrash)
        .off('unhandledRejection', onCrash);
  }
}
