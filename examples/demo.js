// `npm run demo`: the five production incidents lastcall exists for, each run twice (ordinary Node code
// that fails the way production did, then the same service with lastcall), side by side.
import { runDoctorIfAvailable } from './doctor-hook.js';
import { describeExit, incidents, runAll } from './incidents/runner/incidents.js';
import { formatTable } from './incidents/runner/table.js';

const out = (text = '') => process.stdout.write(`${text}\n`);
const started = performance.now();
const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
out('lastcall demo: five shutdowns that went wrong in production, rebuilt as small Node services.');
out('Each runs twice: "without" is ordinary Node code, "with" is the same service using lastcall.');
out('A service manager sends SIGTERM and SIGKILLs after 3 s (production: minutes; scaled down).\n');

const only = process.argv.slice(2); // `npm run demo -- 1 5`: only some incidents
const rows = await runAll({
  only: only.length > 0 ? only : undefined,
  onResult: (row) => out(`  ran ${row.incident} ${label(row)}: ${describeExit(row)}`),
});
const runsMs = performance.now() - started;
out();
out(
  formatTable(rows, [
    { title: 'incident', value: (r) => (r.variant === 'broken' ? `${r.incident.split('-')[0]}. ${r.title}` : '') },
    { title: 'lastcall', value: label },
    { title: 'what happened after SIGTERM', value: (r) => r.happened },
    { title: 'exit', value: describeExit },
    { title: 'left behind', value: leftBehind },
  ]),
);
out();
out('In production:');
for (const incident of incidents.filter((i) => rows.some((r) => r.incident === i.id)))
  out(`  ${incident.id.split('-')[0]}. ${incident.original}`);
out('An exit 1 "with" lastcall is honest: a step timed out, and lastcall\'s report names it');
out("(INCIDENTS_DEBUG=1 npm run incidents prints each service's stderr, that report included).");
out('Each folder under examples/incidents/ has a five-line README and both variants; npm run incidents');
out('prints every figure; test/examples/ asserts them.');
const doctorStarted = performance.now();
if (only.length === 0) await runDoctorIfAvailable(out);
const doctorMs = performance.now() - doctorStarted;
// What the time is spent on: each run waits for a real exit or the service manager's 3 s SIGKILL.
out(
  `\nThe demo took ${seconds(performance.now() - started)}: ${rows.length} runs ${seconds(runsMs)} (each waits for a real exit or the 3 s SIGKILL)` +
    `${only.length === 0 ? `, doctor's audit ${seconds(doctorMs)}` : ''}; \`npm run demo\` built the package before that.`,
);

function label(row) {
  return row.variant === 'broken' ? 'without' : 'with';
}

/** Work lost, orphan processes and files left, or "nothing". */
function leftBehind(row) {
  const parts = [];
  if (!/^(none|0 jobs)$/.test(row.workLost)) parts.push(`lost: ${row.workLost}`);
  if (row.orphans > 0) parts.push(`${row.orphans} orphan process${row.orphans === 1 ? '' : 'es'}`);
  if (row.filesLeft.length > 0) parts.push(`file: ${row.filesLeft.join(', ')}`);
  return parts.join('; ') || 'nothing';
}
