import type { ParseArgsConfig } from 'node:util';

/**
 * One flag of a command, stated once: the parser, `--help`, the defaults the options parser
 * falls back to and the docs' flag tables (`npm run docs:tables`) all come from it.
 */
export interface Flag {
  /** Without the leading `--`. */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** The value's placeholder or its choices: `<duration>`, `never|on-failure|always`. */
  readonly hint?: string;
  /** The default as a user would type it, parsed like a given value; none: the flag is optional. */
  readonly default?: string;
  /** How the default reads when it is not a value (`a free port`); booleans read `off`. */
  readonly defaultText?: string;
  /** An environment variable used when the flag is not given. */
  readonly env?: string;
  /** One sentence, markdown allowed (code spans); `--help` prints it without the backticks. */
  readonly description: string;
  /** Every occurrence counts (util.parseArgs `multiple`); otherwise the last one wins. */
  readonly repeatable?: boolean;
  /** A one-letter alias: `-h`. */
  readonly short?: string;
}

export type FlagTable = readonly Flag[];

/** An argument before `--` (`lastcall report <report.json>`), listed above the flags. */
export interface Positional {
  /** As shown: `<report.json>`. */
  readonly name: string;
  readonly description: string;
}

/** An exit code and when a command exits with it. */
export interface ExitCodeEntry {
  readonly code: number;
  /** markdown */
  readonly when: string;
}

const MAX_USAGE_COLUMN = 32;
const NBSP = '\u00a0';

/** util.parseArgs' options for a table. */
export function parseArgsOptions(table: FlagTable): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const flag of table) {
    options[flag.name] = {
      type: flag.type,
      ...(flag.repeatable === true && { multiple: true }),
      ...(flag.short !== undefined && { short: flag.short }),
    };
  }
  return options;
}

/** The table's default for `name`; a flag without one is a bug in the caller, not a user error. */
export function flagDefault(table: FlagTable, name: string): string {
  const value = table.find((flag) => flag.name === name)?.default;
  if (value === undefined) throw new TypeError(`flag --${name} has no default in its table`);
  return value;
}

/** `--name <hint>` (with `-h, ` before it when the flag has a short alias). */
export function flagUsage(flag: Flag): string {
  const long = `--${flag.name}${flag.hint === undefined ? '' : ` ${flag.hint}`}`;
  return flag.short === undefined ? long : `-${flag.short}, ${long}`;
}

/** What the default column says, markdown. */
export function defaultCell(flag: Flag): string {
  const base =
    flag.default !== undefined
      ? `\`${flag.default}\``
      : (flag.defaultText ?? (flag.type === 'boolean' ? 'off' : 'none'));
  return flag.env === undefined ? base : `${base} (env \`${flag.env}\`)`;
}

/** The flags as `--help` lines: usage, then the description and the default, wrapped under it. */
export function helpText(table: FlagTable, positionals: readonly Positional[] = [], width = 100): string {
  const entries: Flag[] = [
    ...positionals.map((p): Flag => ({ name: p.name, type: 'string', description: p.description })),
    ...table,
  ];
  const usageOf = (flag: Flag): string => (positionals.some((p) => p.name === flag.name) ? flag.name : flagUsage(flag));
  // A long usage (a list of choices) puts its description on the next line instead of widening all.
  const column = Math.min(MAX_USAGE_COLUMN, Math.max(...entries.map((flag) => usageOf(flag).length)) + 4);
  return entries
    .map((flag) => {
      const text = `${plain(flag.description)}${flag.repeatable === true ? ' (repeatable)' : ''}${helpDefault(flag)}`;
      const usage = `  ${usageOf(flag)}`;
      const lines = wrap(text, width - column).map((line) => `${' '.repeat(column)}${line.replaceAll(NBSP, ' ')}`);
      if (usage.length < column) lines[0] = `${usage.padEnd(column)}${lines[0]?.trimStart() ?? ''}`;
      else lines.unshift(usage);
      return lines.join('\n');
    })
    .join('\n');
}

function helpDefault(flag: Flag): string {
  if (flag.name === 'help') return '';
  if (flag.default === undefined && flag.defaultText === undefined && flag.env === undefined) return '';
  // Kept on one line: wrap() splits at plain spaces only.
  return ` [default: ${plain(defaultCell(flag))}]`.replace(/(?<=\[.*) /g, NBSP);
}

/** The flags as a markdown table: flag, default, meaning. */
export function markdownFlagTable(table: FlagTable, positionals: readonly Positional[] = []): string {
  const args = positionals.map((p) => `| ${cell(`\`${p.name}\``)} | required | ${cell(p.description)} |`);
  const rows = table.map((flag) => {
    const meaning = `${flag.description}${flag.repeatable === true ? ' (repeatable)' : ''}`;
    const defaults = flag.name === 'help' ? '' : ` ${cell(defaultCell(flag))}`;
    return `| ${cell(`\`${flagUsage(flag).replace(/^-(\w), /, '-$1`, `')}\``)} |${defaults} | ${cell(meaning)} |`;
  });
  return ['| flag | default | meaning |', '|---|---|---|', ...args, ...rows].join('\n');
}

/** Exit codes as a markdown table: exit code, when. */
export function markdownExitCodes(codes: readonly ExitCodeEntry[]): string {
  return ['| exit code | when |', '|---|---|', ...codes.map((c) => `| ${c.code} | ${cell(c.when)} |`)].join('\n');
}

/** Exit codes as --help lines. */
export function exitCodesHelp(codes: readonly ExitCodeEntry[]): string {
  return codes.map((c) => `  ${String(c.code).padEnd(4)}${plain(c.when)}`).join('\n');
}

/** A markdown table cell: a `|` would end it. */
export function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function plain(markdown: string): string {
  return markdown
    .replaceAll('`', '')
    .replaceAll('**', '')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}
