#!/usr/bin/env node
// The `lastcall` command: a thin shell over the library. Each subcommand lives in its own module
// and exports `main(argv): Promise<number>` (the exit code). Usage errors are one line and exit 2.
import { readFileSync } from 'node:fs';

import { UsageError } from './errors.js';

/** Exit code for a usage error (bad flag, bad value, missing command). */
const USAGE_EXIT_CODE = 2;

const USAGE = `Usage: lastcall <command> [options]

Commands:
  run [options] -- <cmd> [args...]      run any service under a bounded shutdown
  doctor [options] -- <cmd> [args...]   audit any service's shutdown from outside
  report <report.json> [options]        draw a report (text, --json, --html <path>)

Options:
  -h, --help               print this help (also: lastcall <command> --help)
  -v, --version            print the version
`;

type Subcommand = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Subcommand>> = {
  run: async () => (await import('./run/main.js')).main,
  doctor: async () => (await import('./doctor/main.js')).main,
  report: async () => (await import('./report.js')).main,
};

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '-h' || first === '--help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (first === '-v' || first === '--version') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const load = first === undefined ? undefined : COMMANDS[first];
  if (!load) {
    process.stderr.write(first ? `lastcall: unknown command "${first}"\n\n${USAGE}` : USAGE);
    return USAGE_EXIT_CODE;
  }
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`lastcall: ${error.message}\n`);
      process.exitCode = USAGE_EXIT_CODE;
      return;
    }
    process.stderr.write(`lastcall: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
