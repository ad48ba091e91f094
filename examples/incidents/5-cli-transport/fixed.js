// The same client with lastcall: spawnManaged() closes the CLI by ending stdin and keeping its output
// flowing (the blocked write completes), then SIGTERM and SIGKILL to its whole process group if needed.
import { createLifecycle } from 'lastcall';
import { spawnManaged } from 'lastcall/process';

import { cliPath, runTurn } from './transport.js';

const STEP_MS = Number(process.env.STEP_MS ?? 5000);
const life = createLifecycle({ deadlineMs: Number(process.env.DEADLINE_MS ?? 25_000) });
const cli = spawnManaged(process.execPath, [cliPath], {
  graceMs: STEP_MS,
  termMs: STEP_MS,
  stdio: ['pipe', 'pipe', 'inherit'],
});
life.add('cli', cli);
life.on('closed', (report) => {
  const step = report.steps.find((s) => s.name === 'cli' && s.phase === 'close');
  console.log(`CLOSED ${Math.round(step.durationMs)} ${cli.signalCode ?? cli.exitCode}`);
});
await life.start();
const records = await runTurn(cli.stdin, cli.stdout, 'summarise the incident');
console.log(`READY turn done, ${records.length} records`);
