// One doctor run: start the service, wait until ready, load it, send the stop signal, watch intake,
// the exit and the tree, SIGKILL the whole tree at the deadline, then look for orphans and files.
import { waitForSettled, waitForTimeout } from '../../internal/wait.js';
import type { WatchedProcess } from '../../process/index.js';
import { Explain, type ExplainDump } from './explain.js';
import { type FileState, inspectFiles } from './files.js';
import { LoadClients, type RequestRecord } from './load.js';
import { type DoctorOptions, readySpecFor, withPort } from './options.js';
import { Poller, type ProbeRecord } from './probe.js';
import { Service, type ServiceExit } from './service.js';
import { type ReadyOutcome, waitForServiceReady } from './service-ready.js';

export interface RunObservation {
  /** The service's command line ({port} replaced). */
  command: string[];
  port: number;
  deadlineMs: number;
  ready: ReadyOutcome;
  signalMs?: number;
  secondSignalMs?: number;
  exit?: ServiceExit & { killedByDoctor: boolean };
  /** At the deadline, what the service was doing (when doctor had to kill it). */
  stuck?: string;
  requests: RequestRecord[];
  intake: ProbeRecord[];
  readiness: ProbeRecord[];
  connections: Array<[number, number]>;
  processes: Array<WatchedProcess & { orphan: boolean }>;
  orphansChecked: boolean;
  /** Processes of the tree first seen after the service exited (a fork-exit chain makes many). */
  bornAfterExit: number;
  /** Its process group still had members 1 s after the exit (whether or not a walk could name them). */
  groupLeft: boolean;
  files: FileState[];
  explain: ExplainDump[];
  /** --explain asked the service for a dump (it outlived the signal by deadline/2). */
  explainAsked: boolean;
  outputTail: string;
  endMs: number;
}

const SAMPLE_MS = 50;
const INTAKE_START_MS = 50;
const SECOND_SIGNAL_MS = 500;
const ORPHAN_WAIT_MS = 1000;
const CONFIRM_WALKS = 3;
const CONFIRM_GAP_MS = 100;

export async function runOnce(options: DoctorOptions, port: number, second: boolean): Promise<RunObservation> {
  const origin = performance.now();
  const now = (): number => performance.now() - origin;
  const explain = options.explain ? new Explain() : undefined;
  const { spec, anyHttpStatus } = readySpecFor(options, port);
  const env = { ...process.env, PORT: String(port), ...explain?.env(process.env) };
  const service = new Service(
    options.command.map((arg) => withPort(arg, port)),
    env,
    origin,
    spec.kind === 'fd' ? spec.fd - 2 : 0,
  );
  const obs: RunObservation = {
    command: options.command.map((arg) => withPort(arg, port)),
    port,
    deadlineMs: options.deadlineMs,
    ready: { ok: false, atMs: 0 },
    requests: [],
    intake: [],
    readiness: [],
    connections: [],
    processes: [],
    orphansChecked: false,
    bornAfterExit: 0,
    groupLeft: false,
    files: [],
    explain: [],
    explainAsked: false,
    outputTail: '',
    endMs: 0,
  };
  const load = new LoadClients(withPort(options.url, port), options.connections, origin);
  const intake = new Poller(withPort(options.url, port), SAMPLE_MS, origin);
  const readiness =
    options.readiness === undefined ? undefined : new Poller(withPort(options.readiness, port), SAMPLE_MS, origin);
  const sampler = setInterval(() => obs.connections.push([now(), load.openSockets()]), SAMPLE_MS);
  sampler.unref();
  try {
    await service.startWatching();
    obs.ready = await waitForServiceReady(service, options, port, { spec, anyHttpStatus }, now);
    if (!obs.ready.ok) {
      await finish(service, obs, options, now, true);
      return obs;
    }
    load.start();
    readiness?.start();
    await waitForSettled(service.exited, options.afterMs, undefined, true);
    if (service.exit === undefined) {
      obs.signalMs = now();
      service.signal(options.signal);
      const deadlineAt = obs.signalMs + options.deadlineMs;
      const timers = [
        setTimeout(() => intake.start(), INTAKE_START_MS),
        second
          ? setTimeout(() => service.signal(options.signal) && (obs.secondSignalMs = now()), SECOND_SIGNAL_MS)
          : undefined,
        explain
          ? setTimeout(
              () => service.exit === undefined && (explain.trigger(), (obs.explainAsked = true)),
              options.deadlineMs / 2,
            )
          : undefined,
      ];
      const exited = await waitForSettled(service.exited, deadlineAt - now(), undefined, true);
      timers.forEach((timer) => clearTimeout(timer));
      if (!exited) {
        obs.stuck = describeStuck(load, intake.records, service.watch?.processes ?? [], service.child.pid, now());
        load.stop();
        intake.stop();
        // The dump was asked for at deadline/2 and the preload polls every 100 ms.
        if (explain) await waitForTimeout(Math.max(0, 250 - options.deadlineMs / 2), undefined, true);
        obs.explain = explain?.read() ?? [];
        await finish(service, obs, options, now, true);
        return obs;
      }
    }
    load.stop();
    intake.stop();
    await finish(service, obs, options, now, false);
    return obs;
  } finally {
    load.stop();
    intake.stop();
    readiness?.stop();
    clearInterval(sampler);
    service.stopWatching();
    obs.requests = load.records;
    obs.intake = intake.records;
    obs.readiness = readiness?.records ?? [];
    obs.outputTail = service.outputTail();
    explain?.remove();
  }
}

/** After the exit (or at the deadline: kill first): wait 1 s, walk the tree with the marker, kill what is left. */
async function finish(
  service: Service,
  obs: RunObservation,
  options: DoctorOptions,
  now: () => number,
  kill: boolean,
): Promise<void> {
  if (kill) await service.watch?.killAll();
  const exit = await service.exited;
  obs.exit = { ...exit, killedByDoctor: kill && obs.ready.ok };
  const orphans = new Set<number>();
  if (service.watch) {
    await waitForTimeout(Math.max(0, exit.atMs + ORPHAN_WAIT_MS - now()), undefined, true);
    // Several walks, and every periodic walk since: one walk can fall between a fork-exit chain's
    // generations (the parent gone, its child not yet listed) and see nothing while the chain runs on.
    for (let i = 0; i < CONFIRM_WALKS; i++) {
      if (i > 0) await waitForTimeout(CONFIRM_GAP_MS, undefined, true);
      for (const p of await service.watch.walk()) if (p.pid !== service.child.pid) orphans.add(p.pid);
    }
    for (const p of service.watch.processes) {
      if (p.pid !== service.child.pid && p.lastSeenMs - service.originMs >= exit.atMs + ORPHAN_WAIT_MS)
        orphans.add(p.pid);
    }
    // The group answers for members no walk could catch: a chain whose generations live a few ms.
    obs.groupLeft = service.groupAlive();
    obs.orphansChecked = true;
    obs.files = inspectFiles(options.files, service.watch.processes);
    if (orphans.size > 0 || obs.groupLeft) await service.stopTree();
  }
  const lastSeen = (p: WatchedProcess): number =>
    p.pid === service.child.pid ? exit.atMs : Math.max(p.lastSeenMs - service.originMs, orphans.has(p.pid) ? now() : 0);
  obs.processes = (service.watch?.processes ?? []).map((p) => ({
    ...p,
    firstSeenMs: p.firstSeenMs - service.originMs,
    lastSeenMs: lastSeen(p),
    orphan: orphans.has(p.pid),
  }));
  obs.bornAfterExit = obs.processes.filter((p) => p.firstSeenMs > exit.atMs).length;
  obs.endMs = now();
  service.release();
}

function describeStuck(
  load: LoadClients,
  intake: readonly ProbeRecord[],
  tree: readonly WatchedProcess[],
  rootPid: number | undefined,
  atMs: number,
): string {
  const lastProbe = intake[intake.length - 1];
  if (lastProbe && lastProbe.status > 0 && lastProbe.status < 500 && !lastProbe.closing)
    return 'still serving new connections';
  const recent = load.records.filter(
    (r) => r.endMs > atMs - 500 && (r.outcome === 'ok' || r.outcome === 'closing'),
  ).length;
  if (recent > 0) return `still answering requests on open connections (${recent} in the last 500 ms)`;
  const children = tree.filter((p) => p.pid !== rootPid && p.lastSeenMs >= performance.now() - 1000);
  // What was seen, not a guess at the cause (a non-daemon thread can hold a process as well as a child).
  if (children.length > 0)
    return `not serving, and a child process is still alive: ${children.map((p) => `${p.pid} (${p.command.slice(0, 80)})`).join(', ')}`;
  if (load.pending() > 0) return `not serving, ${load.pending()} request(s) unanswered`;
  return 'idle but alive: no request answered in the last 500 ms and no child process';
}
