// README's framework recipes, each with the real package: a request in flight and a request on an
// idle keep-alive socket during drain are both answered; socket.io clients are told to disconnect.
import 'reflect-metadata';

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { test } from 'node:test';

import { serve } from '@hono/node-server';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';
import { createLifecycle } from 'lastcall';
import { httpServer } from 'lastcall/http';
import { Server as SocketIo } from 'socket.io';
import { io as connectSocketIo } from 'socket.io-client';

import { get, quietLifecycle, rawClient, waitForClosedListener } from '../helpers/http.js';

/** A /slow handler held until `release()`; every other path answers 'fast'. */
function slowGate() {
  let release;
  const released = new Promise((resolve) => (release = resolve));
  let arrived;
  const slowArrived = new Promise((resolve) => (arrived = resolve));
  const respond = async (path) => {
    if (path !== '/slow') return 'fast';
    arrived();
    await released;
    return 'slow';
  };
  return { respond, release, slowArrived };
}

/**
 * Drives the shutdown every recipe must survive, on an http.Server; `add(life)` adds the recipe's
 * steps (default: `httpServer(server)` alone). Resolves with the report.
 */
async function assertDrainsCleanly(server, gate, add = (life) => life.add('http', httpServer(server))) {
  if (!server.listening) await once(server, 'listening');
  const { port } = server.address();
  const life = createLifecycle(quietLifecycle);
  add(life);
  await life.start();
  const idle = rawClient(port);
  try {
    await idle.connected;
    idle.send('/');
    assert.equal((await idle.response()).body, 'fast');
    const slow = get(port, '/slow', { agent: new http.Agent({ keepAlive: true }) });
    await gate.slowArrived;
    const done = life.shutdown('test');
    // Drain first serves what the kernel already queued, then closes the listener.
    await waitForClosedListener(server);
    idle.send('/');
    const during = await idle.response();
    assert.deepEqual([during.status, during.body, during.headers.connection], [200, 'fast', 'close']);
    gate.release();
    assert.equal((await slow).body, 'slow');
    const report = await done;
    assert.equal(report.outcome, 'clean');
    assert.equal(server.listening, false);
    return report;
  } finally {
    // A failed assertion must not leave the server open and the test process hanging.
    gate.release();
    idle.destroy();
    server.closeAllConnections();
    server.close();
  }
}

test('Express: app.listen() gives the server; httpServer(server) drains it', { timeout: 30_000 }, async () => {
  const gate = slowGate();
  const app = express();
  app.get('/{*path}', async (req, res) => res.send(await gate.respond(req.path)));
  await assertDrainsCleanly(app.listen(0, '127.0.0.1'), gate);
});

test('Koa: app.listen() gives the server; httpServer(server) drains it', { timeout: 30_000 }, async () => {
  const gate = slowGate();
  const app = new Koa();
  app.use(async (ctx) => (ctx.body = await gate.respond(ctx.path)));
  await assertDrainsCleanly(app.listen(0, '127.0.0.1'), gate);
});

test(
  "Hono: @hono/node-server's serve() gives the server; httpServer(server) drains it",
  { timeout: 30_000 },
  async () => {
    const gate = slowGate();
    const app = new Hono();
    app.get('*', async (c) => c.text(await gate.respond(c.req.path)));
    await assertDrainsCleanly(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }), gate);
  },
);

test(
  'NestJS: httpServer(app.getHttpServer()) drains, then app.close() runs the shutdown hooks',
  { timeout: 30_000 },
  async () => {
    const gate = slowGate();
    const events = [];
    // Decorators applied as functions, so this plain-JS test needs no compiler.
    class AppController {
      fast() {
        return gate.respond('/');
      }
      slow() {
        return gate.respond('/slow');
      }
    }
    Controller()(AppController);
    for (const [path, method] of [
      ['/', 'fast'],
      ['slow', 'slow'],
    ]) {
      Get(path)(AppController.prototype, method, Object.getOwnPropertyDescriptor(AppController.prototype, method));
    }
    class Database {
      onModuleDestroy() {
        events.push('onModuleDestroy');
      }
    }
    Injectable()(Database);
    class AppModule {}
    Module({ controllers: [AppController], providers: [Database] })(AppModule);

    // The recipe (README, NestJS): no enableShutdownHooks(); lastcall owns the signals.
    const app = await NestFactory.create(AppModule, { logger: false });
    const server = app.getHttpServer();
    await app.listen(0, '127.0.0.1');
    const report = await assertDrainsCleanly(server, gate, (life) => {
      life.add('nest', { close: () => app.close() }); // onModuleDestroy, beforeApplicationShutdown, ...
      life.add('http', httpServer(server), { dependsOn: ['nest'] }); // http closes first
    });
    assert.deepEqual(events, ['onModuleDestroy']);
    assert.deepEqual(
      report.steps.map((s) => `${s.name}:${s.phase}`).filter((s) => s.endsWith(':close')),
      ['http:close', 'nest:close'],
    );
  },
);

test(
  'socket.io: clients are disconnected during drain, with the reason "io server disconnect"',
  { timeout: 30_000 },
  async () => {
    const server = http.createServer();
    const ioServer = new SocketIo(server);
    const life = createLifecycle(quietLifecycle);
    life.add('http', httpServer(server, { onUpgraded: () => ioServer.disconnectSockets(true) }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    await life.start();
    const client = connectSocketIo(`http://127.0.0.1:${server.address().port}`, {
      transports: ['websocket'],
      reconnection: false,
    });
    await once(client, 'connect');
    const disconnected = once(client, 'disconnect');
    const report = await life.shutdown('test');
    assert.deepEqual(await disconnected, ['io server disconnect', undefined]);
    assert.equal(report.outcome, 'clean');
    ioServer.close();
  },
);
