// `npm run incidents [-- 1 4]`: runs each incident broken and fixed and prints them side by side.
import { describeExit, runAll } from './runner/incidents.js';
import { formatTable } from './runner/table.js';

const only = process.argv.slice(2);
process.stdout.write(
  'Running the five incidents, broken then fixed (service manager: SIGTERM, SIGKILL after 3 s)...\n',
);
const rows = await runAll({
  only: only.length > 0 ? only : undefined,
  onResult: (row) => process.stdout.write(`  ${row.incident} ${row.variant}: ${describeExit(row)}\n`),
});
process.stdout.write(
  `\n${formatTable(rows, [
    { title: 'incident', value: (r) => r.incident },
    { title: 'variant', value: (r) => r.variant },
    { title: 'what happened', value: (r) => r.happened },
    { title: 'exit', value: describeExit },
    { title: 'work lost', value: (r) => r.workLost },
    { title: 'orphans', value: (r) => r.orphans },
    { title: 'files left', value: (r) => r.filesLeft.join(', ') || 'none' },
  ])}\n`,
);
