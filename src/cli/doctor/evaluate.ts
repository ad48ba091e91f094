// Observations of one run → the checks: this file decides each check's outcome and gathers what its
// message quotes; the words are in checks.ts.
import { signalExitCode } from '../signals.js';
import { exitFix, orphansFix, type ServiceKind, serviceKind } from './advice.js';
import { checkResult } from './check-result.js';
import type { Check } from './checks.js';
import { summarizeDump } from './explain.js';
import type { ProbeRecord } from './probe.js';
import type { RunObservation } from './run.js';

const served = (p: ProbeRecord): boolean => p.status > 0 && p.status < 500 && !p.closing;
const ms = (n: number): string => `${Math.round(n)} ms`;
const kindOf = (obs: RunObservation): ServiceKind => serviceKind(obs.command, obs.explain, obs.outputTail);

export function evaluateRun(obs: RunObservation, signal: string, files: readonly string[]): Check[] {
  if (!obs.ready.ok) {
    const tail = obs.outputTail ? `; last output: ${obs.outputTail.replaceAll('\n', ' | ')}` : '';
    const skipped = (['exit', 'exit-code', 'intake', 'in-flight', 'resets', 'orphans', 'files'] as const).map((id) =>
      checkResult(id, 'not-ready'),
    );
    return [checkResult('ready', 'not-ready', { error: obs.ready.error ?? 'not ready', tail }), ...skipped];
  }
  return [
    checkResult('ready', 'ready', { after: ms(obs.ready.atMs) }, Math.round(obs.ready.atMs)),
    exitCheck(obs, signal),
    exitCodeCheck(obs, signal),
    intakeCheck(obs),
    inFlightCheck(obs),
    resetsCheck(obs),
    orphansCheck(obs),
    filesCheck(obs, files),
  ];
}

function exitCheck(obs: RunObservation, signal: string): Check {
  const exit = obs.exit;
  if (obs.signalMs === undefined || exit === undefined) {
    const inUse = /EADDRINUSE/.test(obs.outputTail) ? ' (its output says EADDRINUSE: the port was already taken)' : '';
    return checkResult('exit', 'early', { after: ms((exit?.atMs ?? 0) - obs.ready.atMs), signal, inUse });
  }
  const after = exit.atMs - obs.signalMs;
  if (!exit.killedByDoctor)
    return checkResult('exit', 'exited', { after: ms(after), signal, deadline: ms(obs.deadlineMs) }, Math.round(after));
  const dumps = obs.explain.map((d) => `pid ${d.pid}: ${summarizeDump(d)}`).join('; ');
  const silent =
    obs.explainAsked && !dumps ? '; --explain got no answer: its event loop is likely blocked in synchronous code' : '';
  const explain = dumps ? `; keeping its event loop alive: ${dumps}` : silent;
  return checkResult(
    'exit',
    'killed',
    { deadline: ms(obs.deadlineMs), signal, stuck: obs.stuck ?? 'alive', explain, fix: exitFix(kindOf(obs), signal) },
    Math.round(after),
  );
}

function exitCodeCheck(obs: RunObservation, signal: string): Check {
  const exit = obs.exit;
  if (!exit) return checkResult('exit-code', 'no-exit');
  if (exit.killedByDoctor) return checkResult('exit-code', 'killed', {}, 137);
  const code = exit.code ?? signalExitCode(exit.signal ?? '');
  if (code === 0) return checkResult('exit-code', 'zero', {}, 0);
  if (exit.signal !== null || code === signalExitCode(signal)) {
    return checkResult(
      'exit-code',
      'signal-death',
      { how: exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${code}`, code, signal },
      code,
    );
  }
  return checkResult('exit-code', 'failure', { code }, code);
}

function intakeCheck(obs: RunObservation): Check {
  const signalMs = obs.signalMs;
  if (signalMs === undefined || !obs.exit) return checkResult('intake', 'no-signal');
  const probes = obs.intake.filter((p) => p.atMs >= signalMs);
  const endMs = obs.exit.atMs;
  if (probes.length === 0)
    return checkResult('intake', 'exited-first', { after: ms(endMs - signalMs) }, Math.round(endMs - signalMs));
  const lastServed = probes.map(served).lastIndexOf(true);
  if (lastServed === probes.length - 1) {
    const until = obs.exit.killedByDoctor ? 'the deadline' : 'its exit';
    return checkResult('intake', 'served', { after: ms((probes[lastServed]?.atMs ?? 0) - signalMs), until });
  }
  const stopMs = (probes[lastServed + 1]?.atMs ?? signalMs) - signalMs;
  const after = ms(stopMs);
  if (probes[probes.length - 1]?.failure === 'timeout')
    return checkResult('intake', 'unanswered', { after }, Math.round(stopMs));
  if (!readinessFlippedFirst(obs, signalMs, probes))
    return checkResult('intake', 'readiness-late', { after }, Math.round(stopMs));
  return checkResult('intake', 'stopped', { after, probe: describeProbe(probes[lastServed + 1]) }, Math.round(stopMs));
}

/** The readiness endpoint must answer non-2xx before new connections are refused (so a load balancer
 * drains first); true when it did, or when no --readiness was given. */
function readinessFlippedFirst(obs: RunObservation, signalMs: number, probes: readonly ProbeRecord[]): boolean {
  if (obs.readiness.length === 0) return true;
  const refusedAt = probes.find((p) => p.failure === 'refused')?.atMs ?? Infinity;
  const flipped = obs.readiness.find((r) => r.atMs >= signalMs && r.status >= 300);
  return flipped !== undefined && flipped.atMs < refusedAt;
}

function describeProbe(p: ProbeRecord | undefined): string {
  if (!p) return 'no probe';
  if (p.failure) return p.failure;
  return p.closing ? `answered ${p.status} with Connection: close` : `answered ${p.status}`;
}

function inFlightCheck(obs: RunObservation): Check {
  const signalMs = obs.signalMs;
  if (signalMs === undefined) return checkResult('in-flight', 'no-signal');
  const inFlight = obs.requests.filter((r) => r.startMs < signalMs && r.endMs > signalMs && r.outcome !== 'refused');
  if (inFlight.length === 0) return checkResult('in-flight', 'none', {}, 0);
  const bad = inFlight.filter((r) => r.outcome === 'reset' || r.outcome === '5xx' || r.outcome === 'error');
  if (bad.length === 0) return checkResult('in-flight', 'answered', { total: inFlight.length }, inFlight.length);
  const count = (o: string): number => bad.filter((r) => r.outcome === o).length;
  const vars = {
    bad: bad.length,
    total: inFlight.length,
    reset: count('reset'),
    '5xx': count('5xx'),
    error: count('error'),
  };
  return checkResult('in-flight', 'failed', vars, inFlight.length);
}

function resetsCheck(obs: RunObservation): Check {
  const signalMs = obs.signalMs;
  if (signalMs === undefined) return checkResult('resets', 'no-signal');
  const after = obs.requests.filter((r) => r.startMs >= signalMs);
  const resets = after.filter((r) => r.outcome === 'reset');
  const reused = resets.filter((r) => r.reused).length;
  if (resets.length === 0) return checkResult('resets', 'none', { total: after.length }, 0);
  const fresh = resets.length - reused;
  if (reused === 0) return checkResult('resets', 'new-only', { fresh }, 0);
  return checkResult(
    'resets',
    'reused',
    { reused, alsoFresh: fresh ? ` (and ${fresh} on new connections)` : '' },
    reused,
  );
}

function orphansCheck(obs: RunObservation): Check {
  if (!obs.orphansChecked) return checkResult('orphans', 'unchecked');
  const orphans = obs.processes.filter((p) => p.orphan);
  const fix = orphansFix(kindOf(obs));
  if (orphans.length === 0 && obs.groupLeft) return checkResult('orphans', 'group-left', { fix }, 1);
  if (orphans.length === 0) return checkResult('orphans', 'none', { seen: obs.processes.length }, 0);
  const list = orphans.map((p) => `pid ${p.pid} (${p.command})`).join(', ');
  const chain =
    obs.bornAfterExit > 1
      ? ` (${obs.bornAfterExit} processes were started after it exited: short-lived processes kept forking)`
      : '';
  return checkResult('orphans', 'found', { count: orphans.length, list, chain, fix }, orphans.length);
}

const PID_STATES = {
  dead: 'its PID is dead (stale)',
  reused: 'its PID now belongs to another process',
  ours: "its PID is still the service's process",
  none: 'no PID in it',
};

function filesCheck(obs: RunObservation, files: readonly string[]): Check {
  if (files.length === 0) return checkResult('files', 'no-files');
  const left = obs.files.filter((f) => f.present);
  if (left.length === 0) return checkResult('files', 'gone', { count: files.length }, 0);
  const list = left
    .map((f) => `${f.path}${f.pid === undefined ? '' : ` (pid ${f.pid})`}: ${PID_STATES[f.pidState ?? 'none']}`)
    .join('; ');
  return checkResult('files', 'left', { count: left.length, list }, left.length);
}

export function secondSignalCheck(obs: RunObservation, signal: string): Check {
  if (!obs.ready.ok) return checkResult('second-signal', 'not-ready');
  if (obs.secondSignalMs === undefined) return checkResult('second-signal', 'exited-first', { signal });
  const after = (obs.exit?.atMs ?? 0) - obs.secondSignalMs;
  if (obs.exit && !obs.exit.killedByDoctor && after <= 1000)
    return checkResult('second-signal', 'exited', { after: ms(after), signal }, Math.round(after));
  return checkResult('second-signal', 'still-running', { after: ms(after), signal }, Math.round(after));
}
