import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { rawClient } from '../helpers/http.js';

const fixture = fileURLToPath(new URL('../fixtures/http/accept-queue.js', import.meta.url));
const QUEUED = 30;

test(`connections in the accept queue when drain begins are served with Connection: close, never reset (${QUEUED})`, async (t) => {
  const child = spawn(process.execPath, [fixture], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout });
  const seen = [];
  const waiters = [];
  lines.on('line', (line) => {
    seen.push(line);
    for (const waiter of waiters.splice(0)) waiter();
  });
  const waitFor = (prefix) =>
    new Promise((resolve) => {
      const check = () => {
        const line = seen.find((l) => l.startsWith(prefix));
        if (line) resolve(line);
        else waiters.push(check);
      };
      check();
    });
  const port = Number((await waitFor('READY ')).split(' ')[1]);

  const blocker = rawClient(port);
  await blocker.connected;
  blocker.send('/block');
  await waitFor('BLOCKING');
  // The server's event loop is blocked: these connect (the kernel completes the handshake) and
  // send their request, and wait in the accept queue.
  const queued = Array.from({ length: QUEUED }, () => rawClient(port));
  await Promise.all(queued.map((client) => client.connected));
  await Promise.all(
    queued.map(
      (client, i) =>
        new Promise((resolve) => client.socket.write(`GET /q${i} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, resolve)),
    ),
  );
  child.stdin.write('go\n');

  const responses = await Promise.all(queued.map((client) => client.response()));
  const served = responses.filter((res) => res?.status === 200);
  const reset = queued.filter((client) => client.state.reset).length;
  t.diagnostic(`accept queue at drain: ${served.length}/${QUEUED} served, ${reset} reset`);
  assert.equal(reset, 0, 'no queued connection was reset');
  assert.equal(served.length, QUEUED, 'every queued request was served');
  assert.ok(served.every((res) => res.headers.connection === 'close'));
  assert.match(await waitFor('DRAIN'), new RegExp(`^DRAINED ${QUEUED}$`));
  await once(child, 'exit');
  for (const client of [blocker, ...queued]) client.destroy();
});
