import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { listFlag, parseCommandLine, stringFlag } from '../args.js';
import { parseCount, parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { exitCodesHelp, flagDefault, helpText } from '../flags.js';
import { validateOutputPath } from '../output-path.js';
import { parseReadySpec, type ReadySpec } from '../ready-spec.js';
import { parseSignal } from '../signals.js';
import { DOCTOR_EXIT_CODES, DOCTOR_FLAGS } from './flags.js';

export { DOCTOR_FLAGS } from './flags.js';

export const DOCTOR_USAGE = `Usage: lastcall doctor [options] -- <command> [args...]

Options (durations: 1500, 1500ms, 2s, 1m; {port} in any option is replaced by the port):
${helpText(DOCTOR_FLAGS)}

Exit codes:
${exitCodesHelp(DOCTOR_EXIT_CODES)}
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
  if (positionals.length > 0)
    throw new UsageError(`doctor: unexpected argument "${positionals[0]}"; put the command after --`);
  if (command.length === 0)
    throw new UsageError('doctor: missing the command to audit: lastcall doctor [options] -- <command> [args...]');
  if (values.explain === true && values['no-explain'] === true)
    throw new UsageError('doctor: --explain and --no-explain contradict each other');
  const str = (name: string): string | undefined => stringFlag(values, name);
  /** The given value, else the table's default. */
  const d = (name: string): string => str(name) ?? flagDefault(DOCTOR_FLAGS, name);
  const duration = (name: string): number => parseDuration(`--${name}`, d(name));
  const portText = str('port');
  const port = portText === undefined ? undefined : parseCount('--port', portText, 1);
  if (port !== undefined && port > 65535) throw new UsageError(`--port: expected a port 1-65535, got "${portText}"`);
  const url = d('url');
  validateUrl('--url', url);
  const readiness = str('readiness');
  if (readiness !== undefined) validateUrl('--readiness', readiness);
  const readyText = str('ready');
  if (readyText !== undefined) parseReadySpec('--ready', readyText.replaceAll('{port}', '1'));
  const signal = parseSignal('--signal', d('signal'));
  const html = str('html');
  if (html === '') throw new UsageError('--html: expected a file path');
  if (html !== undefined) validateOutputPath('html', html);
  return {
    command,
    port,
    url,
    ready: readyText,
    readyTimeoutMs: duration('ready-timeout'),
    connections: validateConnections(parseCount('--connections', d('connections'), 1)),
    signal,
    afterMs: duration('after'),
    deadlineMs: duration('deadline'),
    files: [...listFlag(values, 'pidfile'), ...listFlag(values, 'file')],
    readiness,
    secondSignal: values['second-signal'] === true,
    runs: parseCount('--runs', d('runs'), 1),
    json: values.json === true,
    html,
    explain: values.explain === true || (values['no-explain'] !== true && isNodeCommand(command[0] ?? '')),
  };
}

/** Open files doctor needs besides the load's sockets (pollers, pipes, the tree walk, node itself). */
const FD_RESERVE = 64;

/** More clients than this process may open files would end in EMFILE mid-run: refuse up front. */
function validateConnections(n: number): number {
  const limit = openFileLimit();
  if (limit !== undefined && n + FD_RESERVE > limit) {
    throw new UsageError(
      `--connections: ${n} clients need about ${n + FD_RESERVE} open files, above this process's limit of ${limit} (ulimit -n); use at most ${Math.max(1, limit - FD_RESERVE)} or raise the limit`,
    );
  }
  return n;
}

/** The soft RLIMIT_NOFILE as Node runs with it (Node raises it to the hard limit at start). */
function openFileLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined; // not Linux: unchecked
  }
}

function validateUrl(flag: string, url: string): void {
  if (!/^http:\/\//.test(url) || !URL.canParse(url.replaceAll('{port}', '1')))
    throw new UsageError(`${flag}: expected an http:// URL, got "${url}"`);
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
