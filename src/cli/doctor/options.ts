import { basename } from 'node:path';
import { type FlagSpec, listFlag, parseCommandLine, stringFlag } from '../args.js';
import { parseCount, parseDuration } from '../duration.js';
import { parseReadySpec, type ReadySpec } from '../ready-spec.js';
import { parseSignal } from '../signals.js';
import { UsageError } from '../../errors.js';

export const DOCTOR_FLAGS: FlagSpec = {
  port: { type: 'string' },
  url: { type: 'string' },
  ready: { type: 'string' },
  'ready-timeout': { type: 'string' },
  connections: { type: 'string' },
  signal: { type: 'string' },
  after: { type: 'string' },
  deadline: { type: 'string' },
  pidfile: { type: 'string', multiple: true },
  file: { type: 'string', multiple: true },
  readiness: { type: 'string' },
  'second-signal': { type: 'boolean' },
  runs: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'string' },
  explain: { type: 'boolean' },
  'no-explain': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const DOCTOR_USAGE = `Usage: lastcall doctor [options] -- <command> [args...]

  --port <n>             port given to the service in env PORT (default: a free one); {port} in any option is replaced by it
  --url <url>            what the load requests (default http://127.0.0.1:{port}/)
  --ready <spec>         tcp:[host:]port, http://..., log:<regex>, fd:<n> (default: the URL answers with any status)
  --ready-timeout <d>    default 30s
  --connections <n>      keep-alive clients in a closed loop (default 20)
  --signal <SIG>         stop signal (default SIGTERM)
  --after <d>            load before the signal (default 1s)
  --deadline <d>         after the signal, then the whole tree is SIGKILLed (default 10s)
  --pidfile, --file <p>  must be gone after exit (repeatable)
  --readiness <url>      the service's readiness endpoint, polled every 50 ms
  --second-signal        also run once with a second signal 500 ms after the first
  --runs <n>             repeat and report medians (default 1)
  --explain, --no-explain  Node services: dump what keeps the event loop alive (default on for \`node ...\`)
  --json                 print the result as JSON on stdout
  --html <path>          write the timeline page
Exit codes: 0 no check failed, 1 a check failed, 2 usage error or the service never became ready.
`;

export interface DoctorOptions {
  command: string[];
  port: number | undefined;
  url: string;
  /** The --ready value, `{port}` not yet replaced (checked already). */
  ready: string | undefined;
  readyTimeoutMs: number;
  connections: number;
  signal: NodeJS.Signals;
  afterMs: number;
  deadlineMs: number;
  files: string[];
  readiness: string | undefined;
  secondSignal: boolean;
  runs: number;
  json: boolean;
  html: string | undefined;
  explain: boolean;
}

/** Parses doctor's command line; `undefined` means --help was asked for. Options still hold `{port}`. */
export function parseDoctorArgs(argv: readonly string[]): DoctorOptions | undefined {
  const { values, command, positionals } = parseCommandLine(argv, DOCTOR_FLAGS);
  if (values.help === true) return undefined;
  if (positionals.length > 0) throw new UsageError(`doctor: unexpected argument "${positionals[0]}"; put the command after --`);
  if (command.length === 0) throw new UsageError('doctor: missing the command to audit: lastcall doctor [options] -- <command> [args...]');
  if (values.explain === true && values['no-explain'] === true) throw new UsageError('doctor: --explain and --no-explain contradict each other');
  const str = (name: string): string | undefined => stringFlag(values, name);
  const duration = (name: string, fallback: string): number => parseDuration(`--${name}`, str(name) ?? fallback);
  const portText = str('port');
  const port = portText === undefined ? undefined : parseCount('--port', portText, 1);
  if (port !== undefined && port > 65535) throw new UsageError(`--port: expected a port 1-65535, got "${portText}"`);
  const url = str('url') ?? 'http://127.0.0.1:{port}/';
  validateUrl('--url', url);
  const readiness = str('readiness');
  if (readiness !== undefined) validateUrl('--readiness', readiness);
  const readyText = str('ready');
  if (readyText !== undefined) parseReadySpec('--ready', readyText.replaceAll('{port}', '1'));
  const signal = parseSignal('--signal', str('signal') ?? 'SIGTERM');
  const html = str('html');
  if (html === '') throw new UsageError('--html: expected a file path');
  return {
    command,
    port,
    url,
    ready: readyText,
    readyTimeoutMs: duration('ready-timeout', '30s'),
    connections: parseCount('--connections', str('connections') ?? '20', 1),
    signal,
    afterMs: duration('after', '1s'),
    deadlineMs: duration('deadline', '10s'),
    files: [...listFlag(values, 'pidfile'), ...listFlag(values, 'file')],
    readiness,
    secondSignal: values['second-signal'] === true,
    runs: parseCount('--runs', str('runs') ?? '1', 1),
    json: values.json === true,
    html,
    explain: values.explain === true || (values['no-explain'] !== true && isNodeCommand(command[0] ?? '')),
  };
}

function validateUrl(flag: string, url: string): void {
  if (!/^http:\/\//.test(url) || !URL.canParse(url.replaceAll('{port}', '1'))) throw new UsageError(`${flag}: expected an http:// URL, got "${url}"`);
}

function isNodeCommand(program: string): boolean {
  return program === process.execPath || /^node(js)?(\d+)?(\.exe)?$/.test(basename(program));
}

/** The readiness spec for a run, `{port}` replaced: --ready, or "the URL answers with any HTTP status". */
export function readySpecFor(options: DoctorOptions, port: number): { spec: ReadySpec; anyHttpStatus: boolean } {
  const ready = options.ready;
  if (ready === undefined) return { spec: { kind: 'http', url: withPort(options.url, port) }, anyHttpStatus: true };
  return { spec: parseReadySpec('--ready', withPort(ready, port)), anyHttpStatus: false };
}

export function withPort(text: string, port: number): string {
  return text.replaceAll('{port}', String(port));
}
