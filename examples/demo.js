// `npm run demo`: runs the demo service twice and shows what lastcall did each time.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const service = fileURLToPath(new URL('./demo-service.js', import.meta.url));
const runs = [
  ['hung', 'A service whose cache never closes and whose mailer fails (step timeout 400 ms, cache 300 ms, deadline 1500 ms)'],
  ['blocked', 'The same service plus a step that blocks the event loop forever (deadline 1500 ms)'],
];

for (const [mode, title] of runs) {
  process.stdout.write(`\n=== ${title}\n`);
  const startedAt = performance.now();
  const child = spawn(process.execPath, [service, mode], { stdio: 'inherit' });
  const [code, signal] = await once(child, 'exit');
  const ms = Math.round(performance.now() - startedAt);
  process.stdout.write(`=== exited with ${signal ?? `code ${code}`} after ${ms} ms (process start included)\n`);
}
