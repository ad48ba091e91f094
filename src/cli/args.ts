import { parseArgs } from 'node:util';

import { UsageError } from './errors.js';
import { type FlagTable, parseArgsOptions } from './flags.js';

export interface ParsedCommand {
  /** Flag values as util.parseArgs returns them (strings, booleans, arrays for `multiple`). */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** What follows `--`: the command to run and its arguments. */
  command: string[];
  /** Positionals before `--` (e.g. the report path of `lastcall report <file>`). */
  positionals: string[];
}

/**
 * Parses `[options] -- <command> [args...]` strictly: an unknown flag or a flag missing its value is a
 * UsageError with one line naming it. Everything after the first `--` is the command, untouched.
 */
export function parseCommandLine(argv: readonly string[], table: FlagTable): ParsedCommand {
  const split = argv.indexOf('--');
  const own = split === -1 ? [...argv] : argv.slice(0, split);
  const command = split === -1 ? [] : argv.slice(split + 1);
  try {
    const { values, positionals } = parseArgs({
      args: own,
      options: parseArgsOptions(table),
      strict: true,
      allowPositionals: true,
    });
    return { values, command, positionals };
  } catch (error) {
    throw new UsageError(firstLine(error));
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).replace(/\. To specify an option argument.*$/, '');
}

/** The last value of a string flag (a repeated flag means its last value, as most CLIs do). */
export function stringFlag(values: ParsedCommand['values'], name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value.length ? String(value[value.length - 1]) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable string flag. */
export function listFlag(values: ParsedCommand['values'], name: string): string[] {
  const value = values[name];
  if (value === undefined || typeof value === 'boolean') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
