// The client as it ran in production: close() ends stdin, waits for the CLI to exit, then SIGTERM,
// waits again, then SIGKILL (5 s each in the original; STEP_MS here). The CLI is blocked writing to
// the stdout pipe this process stopped reading, so every wait runs out, and its tool server is orphaned.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

import { cliPath, runTurn } from './transport.js';

const STEP_MS = Number(process.env.STEP_MS ?? 5000);
const cli = spawn(process.execPath, [cliPath], { stdio: ['pipe', 'pipe', 'inherit'] });
const exited = once(cli, 'exit');
const waitForExit = (ms) => Promise.race([exited, delay(ms)]);

async function close() {
  cli.stdin.end();
  if (cli.exitCode === null && !(await waitForExit(STEP_MS))) {
    cli.kill('SIGTERM');
    if (!(await waitForExit(STEP_MS))) cli.kill('SIGKILL');
  }
  await exited;
}

process.on('SIGTERM', async () => {
  const startedAt = performance.now();
  await close();
  console.log(`CLOSED ${Math.round(performance.now() - startedAt)} ${cli.signalCode ?? cli.exitCode}`);
  process.exit(0);
});
const records = await runTurn(cli.stdin, cli.stdout, 'summarise the incident');
console.log(`READY turn done, ${records.length} records`);
