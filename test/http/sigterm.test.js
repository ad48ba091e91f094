import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { get, rawClient } from '../helpers/http.js';

const fixture = fileURLToPath(new URL('../fixtures/http/server.js', import.meta.url));

test('a real SIGTERM: in-flight request answered, idle socket FIN, exit 0', async (t) => {
  const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout });
  const waitFor = (prefix) =>
    new Promise((resolve) => {
      const onLine = (line) => {
        if (!line.startsWith(prefix)) return;
        lines.off('line', onLine);
        resolve(line);
      };
      lines.on('line', onLine);
    });
  const exited = once(child, 'exit');
  const [, port, probePort] = (await waitFor('READY')).split(' ').map(Number);

  const idle = rawClient(port);
  await idle.connected;
  idle.send('/');
  assert.equal((await idle.response()).body, 'fast');
  const slowArrived = waitFor('SLOW');
  const slow = get(port, '/slow', { agent: new http.Agent({ keepAlive: true }) });
  await slowArrived;
  const reportLine = waitFor('REPORT');
  const sentAt = Date.now();
  child.kill('SIGTERM');

  const res = await slow;
  assert.equal(res.body, 'slow done');
  assert.equal(res.headers.connection, 'close');
  await idle.waitForEnd();
  assert.equal(idle.state.fin, true);
  assert.equal(idle.state.reset, false);
  const steps = JSON.parse((await reportLine).slice('REPORT '.length));
  assert.deepEqual(
    steps.filter((step) => step.startsWith('http')),
    ['http:drain:ok', 'http:close:ok'],
  );
  const [code, signal] = await exited;
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.ok(Date.now() - sentAt < 4000, 'exits well inside the deadline');
  await assert.rejects(get(probePort, '/livez'), { code: 'ECONNREFUSED' });
  idle.destroy();
});
