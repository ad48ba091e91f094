// The API as it ran in production: it restarts a crashed runner at once, and on SIGTERM it sends
// the runner a cancel and then waits for it synchronously (a "join"), which blocks its event loop.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';

import { apiHandler, createJobQueue, runnerPath } from './api.js';

const queue = createJobQueue();
let runner;
let spawns = 0;
let stopping = false;

function startRunner() {
  runner = fork(runnerPath, { stdio: 'ignore' });
  console.log(`RUNNER-SPAWN ${++spawns}`);
  const current = runner;
  current.on('message', (message) => {
    if (message.type === 'ready') {
      console.log('RUNNER-READY');
      queue.deliver((job) => current.send(job));
    }
    if (message.type === 'started') {
      queue.started(message.id);
      console.log(`JOB-STARTED ${message.id}`);
    }
  });
  current.on('exit', () => {
    console.log('RUNNER-EXIT');
    if (!stopping) startRunner(); // a crashing runner is restarted in a tight loop
  });
}

const server = http.createServer(
  apiHandler(queue, {
    onJob: () => queue.deliver((job) => runner.connected && runner.send(job)),
    status: () => ({ runner: runner.pid, spawns }),
  }),
);
await once(server.listen(Number(process.env.PORT ?? 0), '127.0.0.1'), 'listening'); // PORT: set by `lastcall doctor`

process.on('SIGTERM', () => {
  stopping = true;
  if (runner.connected) runner.send({ type: 'cancel' });
  // Wait for the runner to finish its turn. kill(pid, 0) also succeeds on a zombie, which only
  // this (now blocked) event loop could reap: the join never ends, and health checks go unanswered.
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      process.kill(runner.pid, 0);
    } catch {
      break;
    }
    Atomics.wait(sleeper, 0, 0, 50);
  }
  server.close();
  process.exit(0);
});

startRunner();
const url = `http://127.0.0.1:${server.address().port}`;
runner.once('message', () => console.log(`API ${url}\nHEALTH ${url}/health\nREADY`));
