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
    quit() {
      called.push('quit');
    }
    end() {
      called.push('end');
    }
    disconnect() {
      called.push('disconnect');
    }
  }
  const life = createLifecycle({ signals: false, logger: false });
  life.add('cache', new Redis());
  await life.shutdown();
  assert.deepEqual(called, ['quit']);
});

test('a raw http.Server added directly is drained and closed, with no warning (test/http/raw-server.test.js drains it under load)', async () => {
  const { lines, life } = logged();
  const server = http.createServer((req, res) => res.end('ok'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  life.add('http', server);
  const report = await life.shutdown();
  assert.deepEqual(
    lines.filter((line) => /warn|raw|httpServer/.test(line)),
    [],
    lines.join('\n'),
  );
  assert.deepEqual(
    report.steps.map((step) => [step.name, step.phase, step.kind, step.status]),
    [
      ['http', 'drain', 'server', 'ok'],
      ['http', 'close', 'server', 'ok'],
    ],
  );
  assert.equal(server.listening, false);

  const { lines: quiet, life: other } = logged();
  other.add('http', httpServer(http.createServer()));
  assert.ok(!quiet.some((line) => /raw http server/.test(line)));
  await other.shutdown();
});

test('a Fastify instance is closed the way Fastify means (its asyncDispose): in-flight requests answered', async () => {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  const order = [];
  let arrived;
  const arrival = new Promise((resolve) => (arrived = resolve));
  app.get('/slow', async () => {
    arrived();
    await new Promise((resolve) => setTimeout(resolve, 100));
    return 'done';
  });
  app.addHook('onResponse', async () => order.push('responded'));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address();
  const life = createLifecycle({ signals: false, logger: false });
  life.add('db', { close: () => order.push('db closed') });
  life.add('http', app, { dependsOn: ['db'] });
  // No keep-alive: fastify.close() answers in-flight requests but, like server.close(), waits for
  // idle keep-alive sockets; httpServer(app.server) is what drains those (see README).
  const response = new Promise((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', path: '/slow', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
  await arrival;
  const report = await life.shutdown();
  assert.deepEqual(await response, { status: 200, body: 'done' });
  assert.equal(report.steps.find((s) => s.name === 'http').status, 'ok');
  assert.deepEqual(order, ['responded', 'db closed'], 'the db closes only after Fastify answered');
  assert.equal(app.server.listening, false);
});

test('a plain object mixing hook names with other keys is refused as ambiguous', () => {
  const life = createLifecycle({ signals: false, logger: false });
  assert.throws(() => life.add('x', { close() {}, query() {} }), {
    code: 'ERR_INVALID_RESOURCE',
    message: /mixes hook names/,
  });
  life.add('pool-like', { query() {}, end() {} });
});
