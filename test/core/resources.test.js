// What add() reads a resource as: closers in graceful order, raw http servers, library objects.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { createLifecycle } from 'lastcall';
import { httpServer } from 'lastcall/http';

const logged = () => {
  const lines = [];
  const logger = { info: (o, m) => lines.push(m), warn: (o, m) => lines.push(m), error: (o, m) => lines.push(m) };
  return { lines, life: createLifecycle({ signals: false, logger }) };
};

test('the graceful closer is chosen first: quit before end and disconnect (ioredis shape)', async () => {
  const called = [];
  class Redis {
    quit() { called.push('quit'); }
    end() { called.push('end'); }
    disconnect() { called.push('disconnect'); }
  }
  const life = createLifecycle({ signals: false, logger: false });
  life.add('cache', new Redis());
  await life.shutdown();
  assert.deepEqual(called, ['quit']);
});

test('a raw http.Server added directly is closed, with a warning that names httpServer()', async () => {
  const { lines, life } = logged();
  const server = http.createServer((req, res) => res.end('ok'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  life.add('http', server);
  assert.ok(lines.some((line) => /step "http" is a raw http server.*httpServer\(server\)/.test(line)), lines.join('\n'));
  const report = await life.shutdown();
  assert.equal(report.steps[0].status, 'ok');
  assert.equal(server.listening, false);

  const { lines: quiet, life: other } = logged();
  other.add('http', httpServer(http.createServer()));
  assert.ok(!quiet.some((line) => /raw http server/.test(line)));
  await other.shutdown();
});
