// Command-line flags of bench/run.js. Pure: returns options or throws UsageError (exit 2).
import { parseArgs } from 'node:util';

export const usage = `Usage: npm run bench -- [--quick] [--runs N] [--only a,b] [--no-write]

  --quick      one run per library, smaller sizes and caps; prints tables, never writes BENCHMARKS.md
  --runs N     runs per library and scenario (default 5; 1 with --quick)
  --only a,b   run only these scenarios (names of bench/scenarios/*.js); BENCHMARKS.md keeps the others
  --no-write   print the tables but do not write BENCHMARKS.md
  --help       show this text`;

export class UsageError extends Error {
  name = 'UsageError';
}

/** Parses argv (without node and script). Returns { quick, runs, only: string[] | undefined, write, help }. */
export function parseBenchArgs(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        runs: { type: 'string' },
        only: { type: 'string' },
        'no-write': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  let runs = values.quick ? 1 : 5;
  if (values.runs !== undefined) {
    if (!/^[1-9]\d*$/.test(values.runs)) {
      throw new UsageError(`Expected "--runs" to be a positive integer, got "${values.runs}"`);
    }
    runs = Number(values.runs);
  }
  let only;
  if (values.only !== undefined) {
    only = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (only.length === 0) throw new UsageError('Expected "--only" to name at least one scenario');
  }
  return {
    quick: values.quick,
    runs,
    only,
    write: !values.quick && !values['no-write'],
    help: values.help,
  };
}
