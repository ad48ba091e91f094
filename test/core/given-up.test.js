// A step the shutdown gave up on (timed out, forced, cut by the exit) is reported with what it said it
// still had open at that moment: the report names the step that hung and what inside it hung.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import { createLifecycle, formatReport } from 'lastcall';
import { httpServer } from 'lastcall/http';

import { startFixture } from '../helpers/fixture.js';
import { listen } from '../helpers/http.js';
import { waitUntil } from '../helpers/process.js';

function quietLifecycle(options) {
  const lines = [];
  const log = (obj, msg) => lines.push(msg);
  const logger = { info: log, warn: log, error: log };
  return { life: createLifecycle({ signals: false, exit: false, logger, ...options }), lines };
}

/** A queue whose close waits for its jobs; they stop (and it says nothing is open) when the signal aborts. */
function queue(jobs) {
  let running = jobs;
  return {
    close: (signal) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          running = 0;
          resolve();
        });
      }),
    describeOpen: () => (running > 0 ? `${running} jobs running` : undefined),
  };
}

test('a step that timed out: what it had open when its bound ran out (asked before its signal aborts)', async () => {
  const { life, lines } = quietLifecycle({});
  life.add('queue', queue(3), { timeoutMs: 100 });
  life.add('cache', { close: () => {}, describeOpen: () => 'never asked: it ended ok' });
  life.add('db', { close: () => Promise.reject(new Error('reset')), describeOpen: () => 'its own failure' });
  const report = await life.shutdown('test');
  const step = (name) => report.steps.find((s) => s.name === name);
  assert.equal(step('queue').status, 'timed-out');
  assert.equal(step('queue').open, '3 jobs running');
  // Ended by itself (ok or failed): nothing was given up on.
  assert.equal(step('cache').open, undefined);
  assert.equal(step('db').status, 'failed');
  assert.equal(step('db').open, undefined);
  assert.ok(lines.some((l) => /^step "queue" \(close\) timed out after \d+ ms; still open: 3 jobs running$/.test(l)));
  assert.match(formatReport(report), /queue \(close\).*still open: 3 jobs running/);
});

test('a step cut by the deadline, and a describer that throws, are reported without breaking the report', async () => {
  const { life } = quietLifecycle({ deadlineMs: 300, stepTimeoutMs: 10_000 });
  life.add('queue', queue(2));
  life.add('broken', {
    close: () => new Promise(() => {}),
    describeOpen: () => {
      throw new Error('no count');
    },
  });
  const report = await life.shutdown('test');
  const step = (name) => report.steps.find((s) => s.name === name);
  assert.equal(step('queue').status, 'timed-out');
  assert.equal(step('queue').error.code, 'ERR_DEADLINE_EXCEEDED');
  assert.equal(step('queue').open, '2 jobs running');
  assert.equal(step('broken').open, 'describeOpen threw: no count');
});

test('an HTTP drain that timed out names the requests it still had in flight', async (t) => {
  const server = http.createServer(() => {
    /* never answers */
  });
  const port = await listen(server);
  t.after(() => server.closeAllConnections());
  const { life } = quietLifecycle({ deadlineMs: 2000, drainTimeoutMs: 300 });
  life.add('http', httpServer(server));
  const answered = new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/' }, resolve);
    request.on('error', resolve);
  });
  await new Promise((resolve) => server.once('request', resolve));
  const report = await life.shutdown('test');
  await answered;
  const drain = report.steps.find((s) => s.name === 'http' && s.phase === 'drain');
  assert.equal(drain.status, 'timed-out');
  assert.match(drain.open, /^1 request in flight, 1 socket open/);
});

test('a second signal forces the shutdown: the step cut short says what it still had open', async () => {
  const spec = {
    lifecycles: [
      {
        options: { deadlineMs: 20_000, stepTimeoutMs: 15_000 },
        steps: [{ name: 'queue', hooks: { close: 'hang' }, describeOpen: '5 jobs running' }],
      },
    ],
  };
  const fixture = await startFixture('core/exit-service.js', { args: [JSON.stringify(spec)] });
  fixture.child.kill('SIGTERM');
  assert.ok(await waitUntil(() => fixture.stdout.includes('HOOK queue close')), fixture.stderr);
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.notEqual(exit.code, 0);
  assert.match(fixture.stderr, /step "queue" \(close\) failed: .*; still open: 5 jobs running/);
});

test('a process that exits mid-shutdown (an exit lastcall could not defer): the steps cut say what they had open', async () => {
  const spec = {
    lifecycles: [
      {
        options: { deadlineMs: 20_000 },
        steps: [
          // Drain hooks run side by side: the queue is still draining when the quitter exits.
          { name: 'queue', hooks: { drain: 'hang' }, describeOpen: '5 jobs running' },
          { name: 'quitter', hooks: { drain: 'saved-exit:0' } },
        ],
      },
    ],
  };
  const fixture = await startFixture('core/exit-service.js', { args: [JSON.stringify(spec)] });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1, fixture.stderr);
  const line = fixture.stdout.split('\n').find((l) => l.startsWith('REPORT 0 '));
  const queue = JSON.parse(line.slice('REPORT 0 '.length)).steps.find((s) => s.name === 'queue');
  assert.equal(queue.error.code, 'ERR_PROCESS_EXITED');
  assert.equal(queue.open, '5 jobs running');
});
