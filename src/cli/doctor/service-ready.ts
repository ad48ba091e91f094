// The run's ready phase: wait for the service's readiness, make sure its own tree answered (not a
// stranger that held the port before it started), and when it never got ready, say why in doctor's words.
import { describeNotReady, ReadyTries } from '../ready-failure.js';
import { type ReadySpec, waitForReady } from '../ready-spec.js';
import { type DoctorOptions, withPort } from './options.js';
import { strangerOnPort } from './port-owner.js';
import type { Service } from './service.js';

export interface ReadyOutcome {
  ok: boolean;
  atMs: number;
  error?: string;
}

/** Resolves (never rejects) with whether the service got ready, when, and if not, why. */
export async function waitForServiceReady(
  service: Service,
  options: DoctorOptions,
  port: number,
  { spec, anyHttpStatus }: { spec: ReadySpec; anyHttpStatus: boolean },
  now: () => number,
): Promise<ReadyOutcome> {
  const source = {
    stdout: service.child.stdout,
    stderr: service.child.stderr,
    stdio: service.child.stdio,
    exited: service.exited,
  };
  const tries = new ReadyTries();
  try {
    await waitForReady(spec, source, { timeoutMs: options.readyTimeoutMs, anyHttpStatus, onTry: tries.record });
    const stranger = await strangerAnswering(service, [
      withPort(options.url, port),
      spec.kind === 'http' ? spec.url : '',
      spec.kind === 'tcp' ? `tcp://${spec.host}:${spec.port}` : '',
    ]);
    if (stranger !== undefined) throw new Error(stranger);
    return { ok: true, atMs: now() };
  } catch (error) {
    // Doctor words it itself: the readiness module's messages are its own business.
    const exit = service.exit;
    const holder = /EADDRINUSE/.test(service.outputTail(20))
      ? (strangerOnPort(port, []) ?? 'another process')
      : undefined;
    const inUse = holder === undefined ? '' : `: its output says EADDRINUSE: port ${port} is held by ${holder}`;
    const exited = exit ? `exited before it was ready (${exit.signal ?? `exit code ${exit.code}`})${inUse}` : undefined;
    const timedOut =
      now() >= options.readyTimeoutMs
        ? describeNotReady(spec, options.readyTimeoutMs, tries, service.outputTail(20))
        : undefined;
    const answered = error instanceof Error && error.message.startsWith('port ') ? error.message : undefined;
    const why =
      service.spawnError?.message ??
      answered ??
      exited ??
      timedOut ??
      (error instanceof Error ? error.message : String(error));
    return { ok: false, atMs: now(), error: why };
  }
}

/** Readiness answered: by the service's tree, or by a stranger holding a local port it polled? */
async function strangerAnswering(service: Service, urls: readonly string[]): Promise<string | undefined> {
  const ours = [service.child.pid ?? 0, ...((await service.watch?.walk()) ?? []).map((p) => p.pid)];
  for (const text of urls) {
    if (!URL.canParse(text)) continue;
    const url = new URL(text);
    if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1?\]|0\.0\.0\.0)$/.test(url.hostname)) continue;
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const stranger = strangerOnPort(port, ours);
    if (stranger !== undefined) {
      const died = service.exit
        ? ` (the service exited: ${service.exit.signal ?? `exit code ${service.exit.code}`}${/EADDRINUSE/.test(service.outputTail(20)) ? ', EADDRINUSE' : ''})`
        : '';
      return `port ${port} answered, but it is held by ${stranger}, a process outside the service's tree${died}: its answers do not count`;
    }
  }
  return undefined;
}
