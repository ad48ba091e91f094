// Incident 4 end to end: the service manager SIGKILLs after 3 s (scaled down); one of four platforms
// wedges; each platform's steps time out after 800 ms in the fixed gateway.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { STEP_TIMEOUT_MS } from '../../examples/incidents/4-gateway/scenario.js';
import { figures, runIncident } from '../../examples/incidents/runner/incidents.js';

test('broken: sequential unbounded disconnects hold shutdown until SIGKILL; the PID file blocks the restart', async (t) => {
  const r = await runIncident('4-gateway', 'broken', { graceMs: 3000 });
  t.diagnostic(figures(r));
  assert.equal(r.killed, true);
  assert.equal(r.pidFileLeft, true);
  assert.equal(r.restart, 'refused');
  assert.match(
    r.workLost,
    /^2 of 4 notices \(threadly wedged, unreachable; pagerchat never sent\)$/,
    'the row says why each notice is missing',
  );
});

test('fixed: platforms close concurrently (phase ≈ one timeout, not the sum), PID file released, restart succeeds', async (t) => {
  const r = await runIncident('4-gateway', 'fixed', { graceMs: 3000 });
  t.diagnostic(figures(r));
  assert.equal(r.killed, false);
  assert.equal(r.code, 1, 'the wedged platform timed out: the exit code says so');
  assert.ok(r.closePhaseMs >= STEP_TIMEOUT_MS - 50, `close phase ${r.closePhaseMs} ms`);
  assert.ok(r.closePhaseMs < 2 * STEP_TIMEOUT_MS, `close phase ${r.closePhaseMs} ms, not the sum`);
  assert.ok(r.drainPhaseMs < 2 * STEP_TIMEOUT_MS, `drain phase ${r.drainPhaseMs} ms`);
  assert.equal(r.noticesMissed, 1, 'only the wedged platform missed its notice');
  assert.equal(
    r.workLost,
    '1 of 4 notices (threadly wedged, unreachable)',
    'the row says why: no code can reach a wedged platform',
  );
  assert.equal(r.pidFileLeft, false);
  assert.equal(r.restart, 'started');
});
