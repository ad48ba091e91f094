// Issue 14 item 3: readiness under the service's control, without shutting down.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { createLifecycle } from 'lastcall';
import { probes } from 'lastcall/http';

const status = (port, path) =>
  new Promise((resolve, reject) => {
    http.get({ port, host: '127.0.0.1', path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });

test('setReady(false) turns readiness (and /readyz) off without shutting down; setReady(true) restores it', async () => {
  const life = createLifecycle({ signals: false, logger: false });
  const probe = await probes(life, { port: 0 });
  assert.equal(life.setReady(false), false, 'held before start: start() does not make it ready');
  await life.start();
  assert.equal(life.ready, false);
  assert.equal(await status(probe.port, '/readyz'), 503);
  assert.equal(life.setReady(true), true);
  assert.equal(await status(probe.port, '/readyz'), 200);

  assert.equal(life.setReady(false), false);
  assert.equal(life.state, 'running', 'not ready is not shutting down');
  assert.equal(life.signal.aborted, false);
  assert.equal(await status(probe.port, '/readyz'), 503);
  assert.equal(await status(probe.port, '/livez'), 200, 'liveness is unaffected');
  life.setReady(true);
  assert.equal(await status(probe.port, '/readyz'), 200);

  const shutdown = life.shutdown('done');
  assert.equal(life.setReady(true), false, 'shutdown always wins');
  const report = await shutdown;
  assert.equal(report.outcome, 'clean');
  assert.throws(() => life.setReady('yes'), { code: 'ERR_INVALID_OPTION', option: 'ready' });
});
