import { AbortedError, ReadinessTimeoutError } from '../errors.js';
import { onLines } from '../internal/lines.js';
import { setLongTimeout } from '../internal/long-timer.js';
import { onAbort, waitForTimeout } from '../internal/wait.js';
import { ReadyExitedError, UsageError } from './errors.js';
import { describeTries, READY_TRY_MS, ReadyTries } from './ready-failure.js';

/** What `--ready` waits for. */
export type ReadySpec =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'http'; url: string }
  | { kind: 'log'; pattern: RegExp }
  | { kind: 'fd'; fd: number };

/** Where a child's readiness can be seen: its pipes (log:, fd:) and its exit (which ends any wait). */
export interface ReadySource {
  stdout?: NodeJS.ReadableStream | null;
  stderr?: NodeJS.ReadableStream | null;
  /** The child's stdio array (ChildProcess.stdio): `fd:<n>` reads entry n, which must be a pipe. */
  stdio?: readonly unknown[];
  /** Settles when the child exits: the wait then rejects with ReadyExitedError. */
  exited?: Promise<unknown>;
}

export interface WaitForReadyOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** http: any HTTP status counts (the server answers); default only 2xx. */
  anyHttpStatus?: boolean;
  /** tcp/http: how each failed try ended ('timed out', 'ECONNREFUSED', 'status 503'), for the message. */
  onTry?: (outcome: string) => void;
}

const POLL_MS = 50;

/**
 * `tcp:<port>`, `tcp:<host>:<port>`, `http://…`/`https://…`, `log:<regex>`, `fd:<n>` (n >= 3).
 * Anything else is a UsageError naming the flag.
 */
export function parseReadySpec(flag: string, value: string): ReadySpec {
  const bad = (why: string): UsageError =>
    new UsageError(
      `${flag}: ${why}; expected tcp:<port>, tcp:<host>:<port>, http://…, log:<regex> or fd:<n>, got "${value}"`,
    );
  if (/^https?:\/\//.test(value)) {
    try {
      return { kind: 'http', url: new URL(value).href };
    } catch {
      throw bad('not a valid URL');
    }
  }
  const colon = value.indexOf(':');
  const kind = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (kind === 'tcp') {
    const m = /^(?:(.+):)?(\d{1,5})$/.exec(rest);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) throw bad('a port from 1 to 65535');
    return { kind: 'tcp', host: (m[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'), port };
  }
  if (kind === 'log') {
    if (rest === '') throw bad('an empty pattern');
    try {
      return { kind: 'log', pattern: new RegExp(rest) };
    } catch (error) {
      throw bad(`an invalid regular expression (${(error as Error).message})`);
    }
  }
  if (kind === 'fd') {
    if (!/^\d+$/.test(rest) || Number(rest) < 3 || Number(rest) > 64)
      throw bad('fd must be a number from 3 to 64 (0-2 are stdio)');
    return { kind: 'fd', fd: Number(rest) };
  }
  throw bad('unknown kind');
}

/** The spec as the user wrote it, for messages and reports. */
export function describeReadySpec(spec: ReadySpec): string {
  if (spec.kind === 'tcp') return `tcp:${spec.host}:${spec.port}`;
  if (spec.kind === 'http') return spec.url;
  if (spec.kind === 'log') return `log:${spec.pattern.source}`;
  return `fd:${spec.fd}`;
}

/**
 * Resolves when the child is ready; rejects with ReadinessTimeoutError at `timeoutMs`, ReadyExitedError
 * when the child exits (or the watched stream ends) first, AbortedError when `signal` aborts.
 */
export function waitForReady(spec: ReadySpec, source: ReadySource, options: WaitForReadyOptions): Promise<void> {
  const label = describeReadySpec(spec);
  const stop = new AbortController();
  return new Promise<void>((resolve, reject) => {
    const cleanups: (() => void)[] = [];
    const settle = (error?: Error): void => {
      if (stop.signal.aborted) return;
      stop.abort();
      for (const fn of cleanups) fn();
      if (error) reject(error);
      else resolve();
    };
    // tcp:/http: how the tries ended and what the child printed meanwhile go into the timeout's message.
    const tries = new ReadyTries();
    const output = spec.kind === 'tcp' || spec.kind === 'http' ? outputTail(source, cleanups) : undefined;
    const timer = setLongTimeout(
      () =>
        settle(
          new ReadinessTimeoutError(
            undefined,
            options.timeoutMs,
            label,
            output === undefined ? undefined : describeTries(spec, tries, output()),
          ),
        ),
      options.timeoutMs,
    );
    cleanups.push(() => timer.clear());
    if (options.signal) {
      if (options.signal.aborted)
        return settle(new AbortedError(`Waiting for readiness (${label})`, options.signal.reason));
      const signal = options.signal;
      cleanups.push(onAbort(signal, () => settle(new AbortedError(`Waiting for readiness (${label})`, signal.reason))));
    }
    void source.exited?.then(() => settle(new ReadyExitedError(label, 'the process exited')));
    const watch = WATCHERS[spec.kind] as Watcher<ReadySpec>;
    const onTry = (outcome: string): void => (tries.record(outcome), options.onTry?.(outcome));
    cleanups.push(watch(spec, source, settle, stop.signal, { ...options, onTry }, label));
  });
}

type Watcher<S extends ReadySpec> = (
  spec: S,
  source: ReadySource,
  settle: (error?: Error) => void,
  stop: AbortSignal,
  options: WaitForReadyOptions,
  label: string,
) => () => void;

const WATCHERS: { [K in ReadySpec['kind']]: Watcher<Extract<ReadySpec, { kind: K }>> } = {
  tcp: (spec, _source, settle, stop, options) =>
    poll(() => tryConnect(spec.host, spec.port), settle, stop, options.onTry),
  http: (spec, _source, settle, stop, options) =>
    poll(() => tryHttp(spec.url, options.anyHttpStatus === true), settle, stop, options.onTry),
  log: (spec, source, settle) => {
    const streams = [source.stdout, source.stderr].filter((s): s is NodeJS.ReadableStream => s != null);
    return watchLines(streams, (line) => spec.pattern.test(line), settle);
  },
  fd: (spec, source, settle, _stop, _options, label) => {
    const stream = source.stdio?.[spec.fd] as NodeJS.ReadableStream | null | undefined;
    if (!stream || typeof stream.on !== 'function') {
      settle(new ReadyExitedError(label, `fd ${spec.fd} is not a pipe to the child`));
      return () => {};
    }
    const off = watchLines([stream], () => true, settle); // s6 style: any newline
    const onEnd = (): void => settle(new ReadyExitedError(label, `fd ${spec.fd} was closed`));
    stream.once('end', onEnd);
    return () => (off(), stream.off('end', onEnd));
  },
};

/** The child's last lines on stdout/stderr while it is awaited (a log: hint for the timeout); undefined: not piped to us. */
function outputTail(source: ReadySource, cleanups: Array<() => void>): () => string | undefined {
  const lines: string[] = [];
  const streams = [source.stdout, source.stderr].filter((s): s is NodeJS.ReadableStream => s != null);
  for (const stream of streams) cleanups.push(onLines(stream, (line) => lines.push(line) > 20 && lines.shift()));
  return () => (streams.length > 0 ? lines.join('\n') : undefined);
}

function watchLines(
  streams: NodeJS.ReadableStream[],
  match: (line: string) => boolean,
  settle: () => void,
): () => void {
  const offs = streams.map((stream) => onLines(stream, (line) => match(line) && settle()));
  return () => offs.forEach((off) => off());
}

/** A try resolves '' when it succeeded, else how it failed. */
function poll(
  attempt: () => Promise<string>,
  settle: () => void,
  stop: AbortSignal,
  onTry?: (outcome: string) => void,
): () => void {
  void (async () => {
    while (!stop.aborted) {
      const failure = await attempt();
      if (failure === '') return settle();
      onTry?.(failure);
      await waitForTimeout(POLL_MS, stop);
    }
  })();
  return () => {};
}

// node:net, node:http and node:https are loaded on first use: `lastcall run` without a tcp:/http
// readiness check starts its child sooner without them.
async function tryConnect(host: string, port: number): Promise<string> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(READY_TRY_MS);
    const done = (failure: string): void => {
      socket.destroy();
      resolve(failure);
    };
    socket.once('connect', () => done(''));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    socket.once('timeout', () => done('timed out'));
  });
}

async function tryHttp(url: string, anyStatus: boolean): Promise<string> {
  const { request } = url.startsWith('https:') ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    let failure = '';
    const req = request(url, { method: 'GET', timeout: READY_TRY_MS, agent: false }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(anyStatus || (status >= 200 && status < 300) ? '' : `status ${status}`);
    });
    req.once('error', (error: NodeJS.ErrnoException) => resolve(failure || (error.code ?? error.message)));
    req.once('timeout', () => {
      failure = 'timed out';
      req.destroy();
    });
    req.end();
  });
}
