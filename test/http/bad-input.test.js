import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';

import express from 'express';
import { httpServer } from 'lastcall/http';

test('httpServer() rejects what is not an HTTP server', () => {
  for (const value of [undefined, null, 42, 'server', {}, new net.Server()]) {
    assert.throws(() => httpServer(value), { code: 'ERR_NOT_A_SERVER', name: 'NotAServerError' });
  }
  assert.throws(() => httpServer(express()), /pass the server that app.listen\(\) returns/);
  assert.throws(() => httpServer({ server: http.createServer() }), /Fastify\?/);
});

test('httpServer() rejects a server that was already closed', async () => {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  server.close();
  assert.throws(() => httpServer(server), { code: 'ERR_SERVER_CLOSED', name: 'ServerClosedError' });
});

test('a server not listening yet is accepted; the same server twice is not', () => {
  const server = http.createServer();
  const handle = httpServer(server);
  assert.equal(handle.inFlight, 0);
  assert.throws(() => httpServer(server), { code: 'ERR_INVALID_OPTION', option: 'server' });
});

test('bad options throw typed errors naming the option', () => {
  assert.throws(() => httpServer(http.createServer(), { onUpgrade: () => {} }), {
    code: 'ERR_UNKNOWN_OPTION',
    option: 'onUpgrade',
  });
  assert.throws(() => httpServer(http.createServer(), { onUpgraded: 'close' }), {
    code: 'ERR_INVALID_OPTION',
    message: 'Expected "onUpgraded" to be a function, got "close" (string)',
  });
  assert.throws(() => httpServer(http.createServer(), 'fast'), { code: 'ERR_INVALID_OPTION' });
  const handle = httpServer(http.createServer());
  assert.throws(() => handle.drain('soon'), { code: 'ERR_INVALID_OPTION', option: 'signal' });
});

test('standalone drain and close on a server that never listened resolve at once', async () => {
  const handle = httpServer(http.createServer());
  await handle.drain();
  await handle.close();
  assert.equal(handle.close(), handle.close());
});
