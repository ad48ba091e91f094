#!/usr/bin/env node
// The `lastcall` command. `run`, `doctor` and `demo` arrive with their issues; until then it
// explains itself and exits 2, the usual code for a usage error.
import { readFileSync } from 'node:fs';

const USAGE = `Usage: lastcall <command>

Commands (coming with their issues):
  run -- <cmd> [args...]   run a service under a bounded shutdown
  doctor                   check a service's shutdown and print the report
  demo                     show a shutdown and its report

Options:
  -h, --help               print this help
  -v, --version            print the version
`;

const [first] = process.argv.slice(2);
if (first === '-h' || first === '--help') {
  process.stdout.write(USAGE);
} else if (first === '-v' || first === '--version') {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`${pkg.version}\n`);
} else {
  process.stderr.write(first ? `lastcall: unknown command "${first}"\n\n${USAGE}` : USAGE);
  process.exitCode = 2;
}
