// Readiness specs shared by `lastcall run` and `lastcall doctor` (`--ready <spec>`). cli-run owns the
// full version; this one keeps the same interface.
import { request } from 'node:http';
import { connect } from 'node:net';
import { waitForTimeout } from '../core/wait.js';
import { UsageError } from '../errors.js';

export type ReadySpec =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'http'; url: string }
  | { kind: 'log'; pattern: RegExp }
  | { kind: 'fd'; fd: number };

export interface ReadySource {
  stdout?: NodeJS.ReadableStream | null;
  stderr?: NodeJS.ReadableStream | null;
  stdio?: readonly unknown[];
  exited?: Promise<unknown>;
}

/** `tcp:[host:]port`, `http://...`, `log:<regex>`, `fd:<n>`; anything else is a UsageError naming the flag. */
export function parseReadySpec(flag: string, value: string): ReadySpec {
  const bad = (why: string): UsageError => new UsageError(`${flag}: ${why}, got "${value}" (expected tcp:[host:]port, http://..., log:<regex> or fd:<n>)`);
  if (/^http:\/\//.test(value)) {
    if (!URL.canParse(value)) throw bad('not a valid URL');
    return { kind: 'http', url: value };
  }
  const [kind, ...rest] = value.split(':');
  const arg = rest.join(':');
  if (kind === 'tcp') {
    const m = /^(?:(.+):)?(\d{1,5})$/.exec(arg);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) throw bad('expected a port 1-65535');
    return { kind: 'tcp', host: m[1] ?? '127.0.0.1', port };
  }
  if (kind === 'log') {
    if (arg === '') throw bad('expected a pattern');
    try {
      return { kind: 'log', pattern: new RegExp(arg) };
    } catch {
      throw bad('not a valid regular expression');
    }
  }
  if (kind === 'fd') {
    if (!/^\d+$/.test(arg) || Number(arg) < 3) throw bad('expected a file descriptor >= 3');
    return { kind: 'fd', fd: Number(arg) };
  }
  throw bad('unknown readiness kind');
}

type Probe = () => Promise<boolean>;

/** Resolves once the spec is met; rejects at the timeout, on abort, or when the process exits first. */
export function waitForReady(spec: ReadySpec, source: ReadySource, options: { timeoutMs: number; signal?: AbortSignal; anyHttpStatus?: boolean }): Promise<void> {
  const stop = new AbortController();
  const outer = options.signal;
  const onOuter = (): void => stop.abort();
  outer?.addEventListener('abort', onOuter, { once: true });
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${options.timeoutMs} ms`)), options.timeoutMs);
    timer.unref();
    if (outer?.aborted) reject(new Error('readiness wait aborted'));
    outer?.addEventListener('abort', () => reject(new Error('readiness wait aborted')), { once: true });
    source.exited?.then(() => reject(new Error('the process exited before it was ready')), () => {});
    if (spec.kind === 'log' || spec.kind === 'fd') watchStreams(spec, source, resolve);
    else void poll(spec.kind === 'tcp' ? () => probeTcp(spec.host, spec.port) : () => probeHttp(spec.url, options.anyHttpStatus === true), stop.signal).then(resolve);
  }).finally(() => {
    stop.abort();
    outer?.removeEventListener('abort', onOuter);
  });
}

async function poll(probe: Probe, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    if (await probe()) return;
    await waitForTimeout(50, signal);
  }
  return new Promise(() => {}); // aborted: the caller has already settled
}

function watchStreams(spec: ReadySpec & { kind: 'log' | 'fd' }, source: ReadySource, resolve: () => void): void {
  const streams = spec.kind === 'log' ? [source.stdout, source.stderr] : [source.stdio?.[spec.fd] as NodeJS.ReadableStream | undefined];
  for (const stream of streams) {
    if (!stream) continue;
    let tail = '';
    stream.on('data', (chunk: Buffer | string) => {
      if (spec.kind === 'fd') return resolve();
      tail = (tail + String(chunk)).slice(-8192);
      if (tail.split('\n').some((line) => spec.pattern.test(line))) resolve();
    });
  }
}

function probeTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function probeHttp(url: string, anyStatus: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(anyStatus || (status >= 200 && status < 300));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}
