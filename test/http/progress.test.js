// The progress line of a long drain names what the HTTP server still has open, next to the
// steps and tracked work: a real server, real sockets, a real SIGTERM.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { startFixture } from '../helpers/fixture.js';
import { rawClient } from '../helpers/http.js';

async function until(predicate, what, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test(
  'a drain past the progress interval: the line names the requests in flight, the sockets, the upgraded ones',
  { timeout: 60_000 },
  async () => {
    const service = await startFixture('http/progress-server.js');
    const port = Number(/READY (\d+)/.exec(service.stdout)[1]);
    const slow = [rawClient(port), rawClient(port)];
    for (const client of slow) {
      await client.connected;
      client.send('/slow');
    }
    await until(() => (service.stdout.match(/SLOW/g) ?? []).length === 2, 'two slow requests');
    const upgraded = rawClient(port);
    await upgraded.connected;
    upgraded.socket.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
    await until(() => upgraded.state.buffer.includes('101 Switching Protocols'), 'the upgrade');

    service.child.kill('SIGTERM');
    await until(() => /still waiting after/.test(service.stderr), 'progress line');
    const line = /still waiting after \d+ s: .*/.exec(service.stderr)[0];
    assert.match(line, /http \(drain\): 2 requests in flight, 3 sockets open \(1 upgraded\)/);
    assert.match(line, /queue: 4 jobs queued/);
    // docs/api.md quotes this very line.
    const api = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    assert.ok(api.includes(`lastcall: ${line.replace(/after \d+ s/, 'after 2 s')}\n`), line);

    // The client closes its upgraded connection: the drain ends when the slow requests are answered.
    upgraded.socket.end();
    const responses = await Promise.all(slow.map((client) => client.response()));
    assert.deepEqual(
      responses.map((response) => response?.status),
      [200, 200],
    );
    const exit = await service.exited;
    assert.equal(exit.code, 0, service.stderr);
    await Promise.all(
      [upgraded, ...slow].map(({ socket }) =>
        socket.destroyed ? undefined : (socket.destroy(), once(socket, 'close')),
      ),
    );
  },
);
