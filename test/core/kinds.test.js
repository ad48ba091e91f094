// Kinds: what add() infers from the real packages (dev dependencies, a real Redis for BullMQ), and
// faithful stand-ins for the packages not installed here (KafkaJS, Sentry, Prisma, undici).
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import { test } from 'node:test';

import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Queue, Worker } from 'bullmq';
import Fastify from 'fastify';
import Redis from 'ioredis';
import { createLifecycle, InvalidOptionError } from 'lastcall';
import pg from 'pg';
import pino from 'pino';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';

import { startRedis } from '../helpers/servers.js';

const quiet = () => createLifecycle({ signals: false, logger: false });
/** The kind add() gave `resource`, read from the report of its close. */
async function kindOf(resource) {
  const life = quiet();
  life.add('r', resource);
  const report = await life.shutdown();
  return report.steps.find((step) => step.name === 'r')?.kind;
}

test('node servers, Fastify, ws and socket.io are servers', async () => {
  assert.equal(await kindOf(http.createServer()), 'server');
  assert.equal(await kindOf(https.createServer({})), 'server');
  assert.equal(await kindOf(http2.createServer()), 'server');
  assert.equal(await kindOf(net.createServer()), 'server');
  const fastify = Fastify();
  await fastify.ready();
  assert.equal(await kindOf(fastify), 'server');
  const wss = new WebSocketServer({ noServer: true });
  assert.equal(await kindOf(wss), 'server');
  const io = new SocketIoServer(http.createServer());
  assert.equal(await kindOf(io), 'server');
});

test('pg, ioredis, pino and OpenTelemetry are clients and telemetry', async () => {
  assert.equal(await kindOf(new pg.Pool()), 'client');
  assert.equal(await kindOf(new pg.Client()), 'client');
  assert.equal(await kindOf(new Redis({ lazyConnect: true })), 'client');
  assert.equal(await kindOf(pino({ enabled: false })), 'telemetry');
  assert.equal(await kindOf(new BasicTracerProvider()), 'telemetry');
  assert.equal(await kindOf(new BatchSpanProcessor(new InMemorySpanExporter())), 'telemetry');
});

test('BullMQ: a Worker is a consumer, a Queue a client (real Redis)', { timeout: 20_000 }, async (t) => {
  const server = await startRedis();
  if (server.skip) return t.skip(server.skip);
  t.after(server.stop);
  const connection = { host: '127.0.0.1', port: server.port };
  const worker = new Worker('kinds', async () => {}, { connection, autorun: false });
  const queue = new Queue('kinds', { connection });
  assert.equal(await kindOf(worker), 'consumer');
  assert.equal(await kindOf(queue), 'client');
});

test('stand-ins with the public shape of KafkaJS, Sentry, Prisma, undici, Mongo, knex', async () => {
  const noop = async () => {};
  // KafkaJS 2: kafka.consumer() / kafka.producer() objects (methods as documented).
  const consumer = {
    connect: noop,
    disconnect: noop,
    subscribe: noop,
    run: noop,
    stop: noop,
    pause: () => {},
    resume: () => {},
    commitOffsets: noop,
    seek: () => {},
  };
  const producer = {
    connect: noop,
    disconnect: noop,
    send: noop,
    sendBatch: noop,
    transaction: noop,
    isIdempotent: () => false,
  };
  class SentryClient {
    captureException() {}
    flush() {}
    close() {}
    getOptions() {}
  }
  class PrismaClient {
    $connect() {}
    $disconnect() {}
    $transaction() {}
  }
  class Pool {
    dispatch() {}
    close() {}
    destroy() {}
  }
  class MongoClient {
    connect() {}
    db() {}
    close() {}
  }
  assert.equal(await kindOf(consumer), 'consumer');
  assert.equal(await kindOf(producer), 'client');
  assert.equal(await kindOf(new SentryClient()), 'telemetry');
  assert.equal(await kindOf(new PrismaClient()), 'client');
  assert.equal(await kindOf(new Pool()), 'client');
  assert.equal(await kindOf(new MongoClient()), 'client');
  // knex: the instance is a function (knex('table')) with destroy(), raw() and transaction().
  let destroyed = false;
  const knex = Object.assign(() => {}, {
    destroy: async () => void (destroyed = true),
    raw: () => {},
    transaction: () => {},
  });
  assert.equal(await kindOf(knex), 'client');
  assert.equal(destroyed, true);
  assert.equal(await kindOf({ close: noop }), 'other');
});

test('kind given to add() wins; a bad one is an InvalidOptionError naming "kind"', async () => {
  const life = quiet();
  life.add('flusher', { close: () => {} }, { kind: 'telemetry' });
  assert.throws(
    () => life.add('x', { close: () => {} }, { kind: 'database' }),
    (error) =>
      error instanceof InvalidOptionError && error.option === 'kind' && /"server", "consumer"/.test(error.message),
  );
  assert.throws(() => life.add('y', { close: () => {} }, { kind: 1 }), InvalidOptionError);
  const report = await life.shutdown();
  assert.equal(report.steps.find((step) => step.name === 'flusher').kind, 'telemetry');
  assert.equal(report.steps.length, 1, 'nothing was added by the throwing calls');
});
