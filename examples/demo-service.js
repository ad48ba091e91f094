// A small service with a few resources: one drains, one hangs, one fails, and (mode "blocked") one
// that blocks the event loop. It sends itself SIGTERM and prints its shutdown report.
import http from 'node:http';
import { createLifecycle, formatReport } from 'lastcall';

const mode = process.argv[2] ?? 'hung';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const life = createLifecycle({ deadlineMs: 1500, stepTimeoutMs: 400 });
const server = http.createServer((req, res) => res.end('ok\n'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

life.add('db', { close: () => sleep(30) });
life.add('queue', { drain: () => sleep(20), close: () => sleep(10) }, { dependsOn: ['db'] });
life.add('http', server, { dependsOn: ['queue'] });
life.add('cache', { close: () => new Promise(() => {}) }, { timeoutMs: 300 });
life.add('mailer', {
  close: async () => {
    await sleep(15);
    throw new Error('SMTP connection reset');
  },
});
if (mode === 'blocked') {
  life.add('cruncher', {
    close: () => {
      for (;;); // a synchronous loop: no timer on this thread can fire again
    },
  });
}
life.on('closed', (report) => process.stdout.write(`\n${formatReport(report)}\n`));

await life.start();
process.stdout.write(`service up on port ${server.address().port}; sending myself SIGTERM\n`);
setTimeout(() => process.kill(process.pid, 'SIGTERM'), 100);
