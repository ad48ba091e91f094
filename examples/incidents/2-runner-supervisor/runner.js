// The runner child (business code, the same in both variants): starts two helper processes (tool
// servers), says `ready` over IPC, then runs the jobs it is sent. A poisoned job crashes it; a long
// job blocks it in a synchronous tool call, where neither IPC nor its SIGTERM handler can reach it.
import { spawn } from 'node:child_process';

for (let i = 0; i < 2; i++) spawn('sleep', ['600'], { stdio: 'ignore' });
process.on('SIGTERM', () => {
  // A graceful stop it never gets to run while blocked.
  process.exit(0);
});
process.on('message', (message) => {
  if (message.type === 'cancel') return process.exit(0);
  if (message.type !== 'job') return;
  if (message.job.kind === 'poison') throw new Error(`job ${message.job.id}: unparseable transcript`);
  process.send({ type: 'started', id: message.job.id });
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // a tool call that never returns
});
process.send({ type: 'ready' });
