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

const MAX_USAGE_COLUMN = 32;
const NBSP = '\u00a0';

/** util.parseArgs' options for a table. */
export function parseArgsOptions(table: FlagTable): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const flag of table) {
    options[flag.name] = { type: flag.type, ...(flag.repeatable === true && { multiple: true }), ...(flag.short !== undefined && { short: flag.short }) };
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
  const base = flag.default !== undefined ? `\`${flag.default}\`` : (flag.defaultText ?? (flag.type === 'boolean' ? 'off' : 'none'));
  return flag.env === undefined ? base : `${base} (env \`${flag.env}\`)`;
}

/** The flags as `--help` lines: usage, then the description and the default, wrapped under it. */
export function helpText(table: FlagTable, width = 100): string {
  // A long usage (a list of choices) puts its description on the next line instead of widening all.
  const column = Math.min(MAX_USAGE_COLUMN, Math.max(...table.map((flag) => flagUsage(flag).length)) + 4);
  return table
    .map((flag) => {
      const text = `${plain(flag.description)}${flag.repeatable === true ? ' (repeatable)' : ''}${helpDefault(flag)}`;
      const usage = `  ${flagUsage(flag)}`;
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
export function markdownFlagTable(table: FlagTable): string {
  const rows = table.map((flag) => {
    const meaning = `${flag.description}${flag.repeatable === true ? ' (repeatable)' : ''}`;
    return `| ${cell(`\`${flagUsage(flag).replace(/^-(\w), /, '-$1`, `')}\``)} | ${cell(flag.name === 'help' ? '' : defaultCell(flag))} | ${cell(meaning)} |`;
  });
  return ['| flag | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** A markdown table cell: a `|` would end it. */
export function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function plain(markdown: string): string {
  return markdown.replaceAll('`', '').replaceAll('**', '').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
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
