// `node --import lastcall/auto` on unmodified NestJS and Fastify apps under keep-alive load.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runUnderLoad } from '../helpers/adopted-app.js';

test('NestJS with enableShutdownHooks(): its handler runs after the drain, its re-raised SIGTERM does not force, 0 lost, exit 0', async (t) => {
  const { exit, hung, load, fixture } = await runUnderLoad('nest-app.cjs', { preload: 'import' });
  t.diagnostic(`with lastcall/auto: ${JSON.stringify(load)}`);
  assert.equal(hung, false, fixture.stderr);
  assert.equal(exit.code, 0, fixture.stderr);
  assert.equal(load.lost, 0, JSON.stringify(load));
  assert.match(fixture.stdout, /^DB onModuleDestroy$/m);
  assert.match(
    fixture.stderr,
    /ok +process\.on\('SIGTERM', cleanup\) at node_modules\/@nestjs\/core\/[\w-]+\.js:\d+ \(close\)/,
  );
  assert.doesNotMatch(fixture.stderr, /second SIGTERM|forced/);
  assert.match(fixture.stderr, /shutdown clean in \d+ ms \(exit 0\)/);
});

test('NestJS without lastcall/auto: requests lost or no exit under keep-alive load (the baseline)', async (t) => {
  const { hung, load } = await runUnderLoad('nest-app.cjs', { capMs: 3000 });
  t.diagnostic(`without: ${JSON.stringify(load)}, hung: ${hung}`);
  assert.ok(hung || load.lost > 0, JSON.stringify(load));
});

test('Fastify with a handler that awaits app.close() then exits: 0 lost, onClose ran, exit 0', async (t) => {
  const { exit, load, fixture } = await runUnderLoad('fastify-app.cjs', { preload: 'import' });
  t.diagnostic(`with lastcall/auto: ${JSON.stringify(load)}`);
  assert.equal(exit.code, 0, fixture.stderr);
  assert.equal(load.lost, 0, JSON.stringify(load));
  assert.match(fixture.stdout, /^FASTIFY onClose$/m);
  assert.match(
    fixture.stderr,
    /ok +process\.on\('SIGTERM', anonymous\) at test\/fixtures\/auto\/fastify-app\.cjs:\d+ \(close\)/,
  );
});

test('Fastify without lastcall/auto: requests answered 503 or reset during close (the baseline)', async (t) => {
  const { hung, load } = await runUnderLoad('fastify-app.cjs', { capMs: 3000 });
  t.diagnostic(`without: ${JSON.stringify(load)}, hung: ${hung}`);
  assert.ok(hung || load.lost > 0, JSON.stringify(load));
});
