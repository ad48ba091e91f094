// The same API with lastcall: supervise() restarts the runner with backoff (2 s → 60 s, at most 10
// restarts), the cancel message is bounded, the runner's whole tree is closed, and liveness answers
// on its own port until the very end.
import { once } from 'node:events';
import http from 'node:http';

import { createLifecycle } from 'lastcall';
import { httpServer, probes } from 'lastcall/http';
import { spawnManaged, supervise } from 'lastcall/process';

import { apiHandler, createJobQueue, runnerPath } from './api.js';

const queue = createJobQueue();
const life = createLifecycle({ deadlineMs: Number(process.env.DEADLINE_MS ?? 25_000) });
const probe = await probes(life, { port: 0 });
let spawns = 0;

const runner = supervise(
  () => {
    console.log(`RUNNER-SPAWN ${++spawns}`);
    return spawnManaged(process.execPath, [runnerPath], { ipc: true, stdio: 'ignore', graceMs: 500, termMs: 500 });
  },
  { initialMs: 2000, maxMs: 60_000, maxRestarts: 10, readiness: { message: 'ready', timeoutMs: 10_000 } },
);
const send = (message) =>
  runner.child?.send(message, { timeoutMs: 500 }).catch((error) => console.log(`send failed: ${error.code}`));
runner.on('spawn', (child) => {
  child.process.on('message', (message) => {
    if (message.type === 'started') {
      queue.started(message.id);
      console.log(`JOB-STARTED ${message.id}`);
    }
  });
});
runner.on('exit', () => console.log('RUNNER-EXIT'));
runner.on('ready', () => {
  console.log('RUNNER-READY');
  queue.deliver(send);
});

life.add('runner', runner); // start waits for readiness; close stops it for good, tree included
const server = http.createServer(
  apiHandler(queue, {
    onJob: () => runner.ready && queue.deliver(send),
    status: () => ({ runner: runner.state, spawns }),
  }),
);
life.add('api', httpServer(server), { dependsOn: ['runner'] }); // before listen(): every connection tracked
await once(server.listen(Number(process.env.PORT ?? 0), '127.0.0.1'), 'listening'); // PORT: set by `lastcall doctor`
life.add('cancel-turn', { drain: () => send({ type: 'cancel' }) }); // bounded: 500 ms at most
await life.start();
console.log(`API http://127.0.0.1:${server.address().port}\nHEALTH http://127.0.0.1:${probe.port}/livez\nREADY`);
