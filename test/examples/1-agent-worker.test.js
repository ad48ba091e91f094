// Incident 1 end to end: the grace period is scaled from 15 minutes to 3 s (the service manager's
// SIGKILL); jobs take 250 ms. See examples/incidents/1-agent-worker/README.md.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { figures, runIncident } from '../../examples/incidents/runner/incidents.js';

test('broken: the stop signal never reaches the drain, the worker takes new jobs until SIGKILL', async (t) => {
  const r = await runIncident('1-agent-worker', 'broken', { graceMs: 3000 });
  t.diagnostic(figures(r));
  assert.equal(r.killed, true, 'SIGKILLed at the end of the grace period');
  assert.ok(r.jobsAfterSignal >= 1, `jobs handed out after SIGTERM: ${r.jobsAfterSignal}`);
  assert.equal(r.deregistered, false);
});

test('fixed: no job is handed out after SIGTERM, the job held is finished, the worker deregisters and exits 0', async (t) => {
  const r = await runIncident('1-agent-worker', 'fixed', { graceMs: 3000 });
  t.diagnostic(figures(r));
  assert.equal(r.killed, false, `exited by itself inside the 3 s grace (after ${r.exitMs} ms)`);
  assert.equal(r.code, 0);
  assert.equal(r.jobsAfterSignal, 0);
  assert.equal(r.jobsLost, 0);
  assert.equal(r.deregistered, true);
});
