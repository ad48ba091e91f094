// Observations of one run → the checks, each with what was seen and how to fix it.
import { summarizeDump } from './explain.js';
import { signalExitCode } from '../signals.js';
import type { RunObservation } from './run.js';
import type { ProbeRecord } from './probe.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export interface Check {
  id: string;
  status: CheckStatus;
  message: string;
  value: number | null;
}

const check = (id: string, status: CheckStatus, message: string, value: number | null = null): Check => ({ id, status, message, value });
const served = (p: ProbeRecord): boolean => p.status > 0 && p.status < 500 && !p.closing;
const ms = (n: number): string => `${Math.round(n)} ms`;

export function evaluateRun(obs: RunObservation, signal: string, files: readonly string[]): Check[] {
  if (!obs.ready.ok) {
    const tail = obs.outputTail ? `; last output: ${obs.outputTail.replaceAll('\n', ' | ')}` : '';
    const skipped = ['exit', 'exit-code', 'intake', 'in-flight', 'resets', 'orphans', 'files'].map((id) => check(id, 'skip', 'the service never became ready'));
    return [check('ready', 'fail', `${obs.ready.error ?? 'not ready'}${tail}`), ...skipped];
  }
  return [check('ready', 'pass', `ready ${ms(obs.ready.atMs)} after start`, Math.round(obs.ready.atMs)), exitCheck(obs, signal), exitCodeCheck(obs, signal), intakeCheck(obs), inFlightCheck(obs), resetsCheck(obs), orphansCheck(obs), filesCheck(obs, files)];
}

function exitCheck(obs: RunObservation, signal: string): Check {
  const exit = obs.exit;
  if (obs.signalMs === undefined || exit === undefined) return check('exit', 'fail', `exited by itself ${ms((exit?.atMs ?? 0) - obs.ready.atMs)} after becoming ready, before ${signal} was sent`);
  const after = exit.atMs - obs.signalMs;
  if (!exit.killedByDoctor) return check('exit', 'pass', `exited ${ms(after)} after ${signal}, inside the ${ms(obs.deadlineMs)} deadline`, Math.round(after));
  const dumps = obs.explain.map((d) => `pid ${d.pid}: ${summarizeDump(d)}`).join('; ');
  const silent = obs.explainAsked && !dumps ? '; --explain got no answer: its event loop is likely blocked in synchronous code' : '';
  return check(
    'exit',
    'fail',
    `still running ${ms(obs.deadlineMs)} after ${signal}, so doctor SIGKILLed its whole tree; at the deadline it was ${obs.stuck ?? 'alive'}` +
      `${dumps ? `; keeping its event loop alive: ${dumps}` : silent}. Fix: on ${signal}, stop intake, bound every close step and exit (lastcall's createLifecycle enforces one deadline)`,
    Math.round(after),
  );
}

function exitCodeCheck(obs: RunObservation, signal: string): Check {
  const exit = obs.exit;
  if (!exit) return check('exit-code', 'skip', 'no exit was observed');
  if (exit.killedByDoctor) return check('exit-code', 'fail', 'SIGKILLed at the deadline (137): systemd marks the unit failed, Docker and Kubernetes record exit 137', 137);
  const code = exit.code ?? signalExitCode(exit.signal ?? '');
  if (code === 0) return check('exit-code', 'pass', 'exit code 0', 0);
  if (exit.signal !== null || code === signalExitCode(signal)) {
    return check(
      'exit-code',
      'warn',
      `${exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${code}`} (128+signal): Docker and Kubernetes show ${code} as an error exit, and systemd counts it as success only for SIGTERM/SIGINT/SIGHUP/SIGPIPE (or with SuccessExitStatus=). Handle ${signal} and exit 0 after a clean shutdown`,
      code,
    );
  }
  return check('exit-code', 'fail', `exit code ${code}: a failure to systemd (Restart=on-failure restarts it), Docker and Kubernetes`, code);
}

function intakeCheck(obs: RunObservation): Check {
  const signalMs = obs.signalMs;
  if (signalMs === undefined || !obs.exit) return check('intake', 'skip', 'no stop signal was sent');
  const probes = obs.intake.filter((p) => p.atMs >= signalMs);
  const endMs = obs.exit.atMs;
  if (probes.length === 0) return check('intake', 'pass', `exited ${ms(endMs - signalMs)} after the signal, before the first new-connection probe`, Math.round(endMs - signalMs));
  const lastServed = probes.map(served).lastIndexOf(true);
  const until = obs.exit.killedByDoctor ? 'the deadline' : 'its exit';
  if (lastServed === probes.length - 1) {
    return check('intake', 'fail', `new connections were still served ${ms((probes[lastServed]?.atMs ?? 0) - signalMs)} after the signal, until ${until}: a stopping instance keeps taking work. Fix: on the signal, fail readiness and close the listener (lastcall/http httpServer does)`, null);
  }
  const stopMs = (probes[lastServed + 1]?.atMs ?? signalMs) - signalMs;
  if (probes[probes.length - 1]?.failure === 'timeout') {
    return check('intake', 'warn', `new connections stopped being answered ${ms(stopMs)} after the signal but were still accepted (the probes timed out): clients and load balancers wait instead of being refused. Fix: close the listener on the signal`, Math.round(stopMs));
  }
  const readinessWarning = readinessCheck(obs, signalMs, probes);
  if (readinessWarning) return check('intake', 'warn', `new connections stopped being served ${ms(stopMs)} after the signal, but ${readinessWarning}`, Math.round(stopMs));
  return check('intake', 'pass', `new connections stopped being served ${ms(stopMs)} after the signal (${describeProbe(probes[lastServed + 1])})`, Math.round(stopMs));
}

/** The readiness endpoint must answer non-2xx before new connections are refused (so a load balancer drains first). */
function readinessCheck(obs: RunObservation, signalMs: number, probes: readonly ProbeRecord[]): string | undefined {
  if (obs.readiness.length === 0) return undefined;
  const refusedAt = probes.find((p) => p.failure === 'refused')?.atMs ?? Infinity;
  const flipped = obs.readiness.find((r) => r.atMs >= signalMs && r.status >= 300);
  if (flipped && flipped.atMs < refusedAt) return undefined;
  return 'the readiness endpoint never answered non-2xx before the listener closed, so a load balancer learns of the stop only from refused connections. Fix: fail readiness first (a pre-stop delay), then close';
}

function describeProbe(p: ProbeRecord | undefined): string {
  if (!p) return 'no probe';
  if (p.failure) return p.failure;
  return p.closing ? `answered ${p.status} with Connection: close` : `answered ${p.status}`;
}

function inFlightCheck(obs: RunObservation): Check {
  const signalMs = obs.signalMs;
  if (signalMs === undefined) return check('in-flight', 'skip', 'no stop signal was sent');
  const inFlight = obs.requests.filter((r) => r.startMs < signalMs && r.endMs > signalMs && r.outcome !== 'refused');
  if (inFlight.length === 0) return check('in-flight', 'skip', 'no request was in flight at the signal', 0);
  const bad = inFlight.filter((r) => r.outcome === 'reset' || r.outcome === '5xx' || r.outcome === 'error');
  if (bad.length === 0) return check('in-flight', 'pass', `all ${inFlight.length} requests in flight at the signal were answered`, inFlight.length);
  const count = (o: string): number => bad.filter((r) => r.outcome === o).length;
  return check('in-flight', 'fail', `${bad.length} of ${inFlight.length} requests in flight at the signal failed (${count('reset')} reset, ${count('5xx')} 5xx, ${count('error')} other): finish in-flight requests before closing their sockets`, inFlight.length);
}

function resetsCheck(obs: RunObservation): Check {
  const signalMs = obs.signalMs;
  if (signalMs === undefined) return check('resets', 'skip', 'no stop signal was sent');
  const after = obs.requests.filter((r) => r.startMs >= signalMs);
  const resets = after.filter((r) => r.outcome === 'reset');
  const reused = resets.filter((r) => r.reused).length;
  if (resets.length === 0) return check('resets', 'pass', `none of ${after.length} requests sent after the signal was reset`, 0);
  const fresh = resets.length - reused;
  if (reused === 0) {
    return check('resets', 'warn', `${fresh} requests on new connections after the signal were reset (accepted into the listen backlog as the listener closed, or accepted and then destroyed); none on existing keep-alive connections`, 0);
  }
  return check('resets', 'fail', `${reused} requests sent on existing keep-alive connections after the signal were reset${fresh ? ` (and ${fresh} on new connections)` : ''}: the client cannot know whether they ran. Fix: answer with Connection: close and close a keep-alive socket only after a response, never while a request may be arriving (lastcall/http keeps idle sockets briefly)`, reused);
}

function orphansCheck(obs: RunObservation): Check {
  if (!obs.orphansChecked) return check('orphans', 'skip', 'the process tree could not be walked');
  const orphans = obs.processes.filter((p) => p.orphan);
  if (orphans.length === 0) return check('orphans', 'pass', `none of the ${obs.processes.length} processes seen in its tree was alive 1 s after exit`, 0);
  const list = orphans.map((p) => `pid ${p.pid} (${p.command})`).join(', ');
  return check('orphans', 'fail', `${orphans.length} processes of its tree were alive 1 s after it exited: ${list}; doctor killed them. Fix: stop children on shutdown, in their own process group (lastcall/process spawnManaged)`, orphans.length);
}

function filesCheck(obs: RunObservation, files: readonly string[]): Check {
  if (files.length === 0) return check('files', 'skip', 'no --pidfile/--file given');
  const left = obs.files.filter((f) => f.present);
  if (left.length === 0) return check('files', 'pass', `${files.length} file(s) gone after exit`, 0);
  const what = { dead: 'its PID is dead (stale)', reused: 'its PID now belongs to another process', ours: 'its PID is still the service\'s process', none: 'no PID in it' };
  const list = left.map((f) => `${f.path}${f.pid === undefined ? '' : ` (pid ${f.pid})`}: ${what[f.pidState ?? 'none']}`).join('; ');
  return check('files', 'fail', `${left.length} file(s) left after exit: ${list}. Fix: remove them on exit and check them against the live process at start (lastcall/pidfile)`, left.length);
}

export function secondSignalCheck(obs: RunObservation, signal: string): Check {
  if (!obs.ready.ok) return check('second-signal', 'skip', 'the service never became ready');
  if (obs.secondSignalMs === undefined) return check('second-signal', 'skip', `exited before the second ${signal} was due (500 ms after the first)`);
  const after = (obs.exit?.atMs ?? 0) - obs.secondSignalMs;
  if (obs.exit && !obs.exit.killedByDoctor && after <= 1000) return check('second-signal', 'pass', `exited ${ms(after)} after the second ${signal}`, Math.round(after));
  return check('second-signal', 'fail', `still running ${ms(after)} after the second ${signal}: a second signal must force the exit at once`, Math.round(after));
}
