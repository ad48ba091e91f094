// The pre-stop ends when traffic ends: readiness answers 503 at once, the server keeps serving, and
// the wait ends once no request arrived for the quiet window (preStopQuietMs, or 3× the largest gap
// between requests before the stop), at the latest at preStopDelayMs. The "balancer" here polls
// /readyz and stops routing after two 503s in a row (fall 2), as HAProxy's httpchk does; every
// request opens a new connection, so one sent after the listener closed would be refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { once } from 'node:events';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';
import { httpServer, probes } from 'lastcall/http';

import { get, listen, quietLifecycle } from '../helpers/http.js';

async function service(options) {
  const life = createLifecycle({ ...quietLifecycle, deadlineMs: 20_000, ...options });
  const arrivals = [];
  const handler = probes.handler(life);
  const server = http.createServer((req, res) => {
    if (handler(req, res)) return;
    arrivals.push(performance.now());
    setTimeout(() => res.end('ok'), 5);
  });
  life.add('http', httpServer(server));
  const port = await listen(server);
  await life.start();
  return { life, server, port, arrivals };
}

/** A balancer: health checks every `checkMs`, routes traffic every `everyMs` until two checks in a row failed. */
function balancer(port, { checkMs, everyMs }) {
  const results = [];
  let routing = true;
  let failedChecks = 0;
  const check = setInterval(() => {
    get(port, '/readyz')
      .then(
        (r) => (failedChecks = r.status === 503 ? failedChecks + 1 : 0),
        () => (failedChecks += 1),
      )
      .then(() => {
        if (failedChecks >= 2) routing = false;
      });
  }, checkMs);
  const send = setInterval(() => {
    if (!routing) return;
    const sentAt = performance.now();
    results.push(
      get(port, '/work', { agent: false }).then(
        (r) => ({ sentAt, status: r.status }),
        (error) => ({ sentAt, error: error.code ?? error.message }),
      ),
    );
  }, everyMs);
  return {
    get routing() {
      return routing;
    },
    async stop() {
      clearInterval(check);
      clearInterval(send);
      return Promise.all(results);
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (const [kind, everyMs, checkMs] of [
  ['dense', 10, 100],
  ['sparse', 400, 500],
]) {
  test(
    `${kind} traffic (a request every ${everyMs} ms, health check every ${checkMs} ms, fall 2): nothing refused, the pre-stop ends a quiet window after the last request`,
    { timeout: 30_000 },
    async () => {
      const { life, server, arrivals } = await service({ preStopDelayMs: 10_000, preStopQuietMs: 300 });
      const lb = balancer(server.address().port, { checkMs, everyMs });
      await sleep(2000); // traffic before the stop: what the gap rule measures
      const began = performance.now();
      // The end of the pre-stop on this test's clock: when the http step begins to drain (lastcall's channel).
      let drainStartedAt;
      const onStepStart = ({ name, phase }) => {
        if (name === 'http' && phase === 'drain') drainStartedAt ??= performance.now();
      };
      diagnostics.subscribe('lastcall:step:start', onStepStart);
      const report = await life.shutdown('test');
      diagnostics.unsubscribe('lastcall:step:start', onStepStart);
      // The balancer goes on until it decides by itself (a refused check counts as failed too).
      while (lb.routing) await sleep(20);
      const results = await lb.stop();

      const failed = results.filter((r) => r.error !== undefined || r.status !== 200);
      assert.deepEqual(failed, [], `${failed.length} of ${results.length} requests failed`);
      const { preStop } = report;
      assert.equal(preStop.reason, 'quiet', JSON.stringify(preStop));
      const lastArrival = arrivals.at(-1) - began;
      assert.ok(lastArrival > 0, 'requests kept arriving, and were served, during the pre-stop');
      // It ended after the quiet window following the last request, and not long after (generous guard).
      // Both on this test's clock (the report's durationMs counts from the pre-stop's own start, which a
      // loaded box puts ms after `began`, so it cannot be set against arrival times taken here).
      const gapMs = drainStartedAt - arrivals.at(-1);
      assert.ok(gapMs >= preStop.quietMs - 1, `ended ${gapMs} ms after the last request, window ${preStop.quietMs}`);
      assert.ok(gapMs <= preStop.quietMs + 3000, `ended ${gapMs} ms after: ${JSON.stringify(preStop)}`);
      if (kind === 'sparse')
        assert.ok(preStop.quietMs >= 3 * 300, `the window grew with the gaps: ${preStop.quietMs} ms`);
      // Dense traffic needs no maximum: its window is 3× its largest gap at most, however slow the box.
      else assert.ok(preStop.durationMs < 10_000, `dense traffic ran to the 10 s maximum: ${JSON.stringify(preStop)}`);
    },
  );
}

test('no watched server: the whole preStopDelayMs, reason no-server', async () => {
  const life = createLifecycle({ ...quietLifecycle, preStopDelayMs: 200 });
  const report = await life.shutdown('test');
  assert.equal(report.preStop.reason, 'no-server');
  assert.ok(report.preStop.durationMs >= 195);
});

test('traffic that never stops: the pre-stop ends at preStopDelayMs, reason maximum', { timeout: 20_000 }, async () => {
  const { life, server } = await service({ preStopDelayMs: 800, preStopQuietMs: 300 });
  const lb = balancer(server.address().port, { checkMs: 60_000, everyMs: 20 }); // a balancer that never looks
  await sleep(300);
  const report = await life.shutdown('test');
  await lb.stop();
  assert.equal(report.preStop.reason, 'maximum');
  assert.ok(report.preStop.durationMs >= 795);
});

test('preStopQuietMs: Infinity is the fixed delay; health checks are not traffic', { timeout: 20_000 }, async () => {
  const { life, server } = await service({ preStopDelayMs: 600, preStopQuietMs: Infinity });
  const report = await life.shutdown('test');
  assert.equal(report.preStop.reason, 'maximum');
  const probed = await service({ preStopDelayMs: 5000, preStopQuietMs: 200 });
  const checks = setInterval(() => get(probed.port, '/readyz').catch(() => {}), 20);
  const r = await probed.life.shutdown('test');
  clearInterval(checks);
  assert.equal(r.preStop.reason, 'quiet', 'readiness checks every 20 ms did not hold it open');
  assert.equal(r.preStop.lastArrivalMs, undefined);
  server.close();
});

test('preStopQuietMs is validated', () => {
  for (const value of [-1, '500', Number.NaN, null]) {
    assert.throws(() => createLifecycle({ ...quietLifecycle, preStopQuietMs: value }), { code: 'ERR_INVALID_OPTION' });
  }
});

test(
  'a request that came while the process was stalled past the quiet window is served, not refused',
  { timeout: 15_000 },
  async () => {
    const { life, port } = await service({ preStopDelayMs: 5000, preStopQuietMs: 300 });
    // Another process (not stalled with this one) sends one request 200 ms after GO, on a new connection.
    const client = spawn(
      process.execPath,
      [
        '-e',
        `const http = require('node:http');
       process.stdin.once('data', () => setTimeout(() => {
         http.get({ host: '127.0.0.1', port: ${port}, path: '/work', agent: false }, (res) => {
           res.resume();
           res.on('end', () => console.log('STATUS ' + res.statusCode));
         }).on('error', (error) => console.log('ERROR ' + error.code));
       }, 200));
       console.log('READY');`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: client.stdout });
    // Listening before the request goes out: the answer may come while shutdown() is still pending.
    const outcome = new Promise((resolve) => lines.on('line', (line) => line !== 'READY' && resolve(line)));
    await once(lines, 'line');
    const shutdown = life.shutdown('test');
    client.stdin.write('GO\n');
    // A stall (GC, CPU throttling) longer than the quiet window: the request waits in the accept queue.
    const until = performance.now() + 1000;
    while (performance.now() < until);
    const report = await shutdown;
    assert.equal(await outcome, 'STATUS 200', JSON.stringify(report.preStop));
    assert.ok(report.preStop.lastArrivalMs > 0, JSON.stringify(report.preStop));
    client.kill();
  },
);
