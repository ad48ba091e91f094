// `lastcall report <report.json> [--html <path>] [--json]`: draws the library's ShutdownReport, a
// `lastcall run --report` file or a `lastcall doctor --json` result with the one renderer.
import { readFileSync, writeFileSync } from 'node:fs';

import { parseCommandLine, stringFlag } from './args.js';
import type { DoctorResult } from './doctor/result.js';
import { UsageError } from './errors.js';
import { type ExitCodeEntry, exitCodesHelp, type FlagTable, helpText, type Positional } from './flags.js';
import { validateOutputPath } from './output-path.js';
import { doctorDoc, validateDoctorLike } from './render/doctor.js';
import { renderHtml } from './render/html.js';
import type { RenderDoc } from './render/model.js';
import { reportDoc, validateReportLike } from './render/report.js';
import { renderText } from './render/text.js';

/** `lastcall report`'s flags: parser, `--help` and the docs' table (see ./flags.ts). */
export const REPORT_FLAGS: FlagTable = [
  { name: 'html', type: 'string', hint: '<path>', description: 'write the self-contained timeline page' },
  { name: 'json', type: 'boolean', description: 'print the report as JSON on stdout (instead of text)' },
  { name: 'help', type: 'boolean', short: 'h', description: 'usage' },
];

export const REPORT_ARGUMENTS: readonly Positional[] = [
  {
    name: '<report.json>',
    description:
      'a `ShutdownReport` as JSON (`serializeReport`), a `lastcall run --report` file, or `lastcall doctor --json` output',
  },
];

/** `lastcall report`'s exit codes: `--help` and the docs' table. */
export const REPORT_EXIT_CODES: readonly ExitCodeEntry[] = [
  { code: 0, when: 'drawn' },
  {
    code: 2,
    when: 'the file is missing, not JSON, or not a report (the message names the file and the first bad field)',
  },
];

const USAGE = `Usage: lastcall report <report.json> [--html <path>] [--json]

${helpText(REPORT_FLAGS, REPORT_ARGUMENTS)}

Exit codes:
${exitCodesHelp(REPORT_EXIT_CODES)}
`;

export function main(argv: string[]): Promise<number> {
  const { values, positionals, command } = parseCommandLine(argv, REPORT_FLAGS);
  if (values.help === true) {
    process.stdout.write(USAGE);
    return Promise.resolve(0);
  }
  if (command.length > 0 || positionals.length !== 1)
    throw new UsageError(`report: expected one report file, got ${positionals.length + command.length} arguments`);
  const file = positionals[0] as string;
  const html = stringFlag(values, 'html');
  if (html === '') throw new UsageError('--html: expected a file path');
  if (html !== undefined) validateOutputPath('html', html);
  const data = readJson(file);
  const doc: RenderDoc = isDoctorResult(data)
    ? doctorDoc(validateDoctorLike(data, file))
    : reportDoc(validateReportLike(data, file));
  if (html !== undefined) writeFileSync(html, renderHtml(doc));
  process.stdout.write(values.json === true ? `${JSON.stringify(data, null, 2)}\n` : renderText(doc));
  return Promise.resolve(0);
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function isDoctorResult(data: unknown): data is DoctorResult {
  const d = data as Partial<DoctorResult> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    Array.isArray(d.checks) &&
    Array.isArray(d.timeline) &&
    Array.isArray(d.command)
  );
}
