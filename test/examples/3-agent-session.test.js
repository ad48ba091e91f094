// Incident 3 end to end: the service manager SIGKILLs after 3 s (scaled down); the tool server never
// acknowledges its shutdown.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { figures, runIncident } from '../../examples/incidents/runner/incidents.js';

test("broken: one hung step and 'close' never fires; the recording is never finalized", async (t) => {
  const r = await runIncident('3-agent-session', 'broken', { graceMs: 3000 });
  t.diagnostic(figures(r));
  assert.equal(r.closeFired, 0);
  assert.equal(r.summaryWritten, false, 'downstream of close never ran');
  assert.equal(r.killed, true);
  assert.deepEqual(r.filesLeft, ['recording.part']);
});

test("fixed: 'close' fires once within the deadline, names the hung step, logs its late failure", async (t) => {
  const r = await runIncident('3-agent-session', 'fixed', { graceMs: 3000 });
  t.diagnostic(figures(r));
  assert.equal(r.closeFired, 1);
  assert.equal(r.hungStep, 'tools');
  assert.equal(r.lateFailureLogged, true);
  assert.equal(r.unhandled, false);
  assert.equal(r.summaryWritten, true);
  // Not SIGKILLed at the end of the 3 s grace: the 2.5 s deadline held (the summary above was written).
  assert.equal(r.killed, false, `exit after ${r.exitMs} ms`);
  assert.equal(r.code, 1, 'a step timed out: the exit code says so');
  assert.deepEqual(r.filesLeft, []);
});
