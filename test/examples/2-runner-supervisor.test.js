// Incident 2 end to end: the service manager SIGKILLs after 3 s (scaled down); health is checked
// every 100 ms. The restart delay is asserted; the restarts counted in the first second of the crash
// loop are only reported (how many fit depends on how fast node starts on a loaded machine).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { figures, runIncident } from '../../examples/incidents/runner/incidents.js';

test('broken: restarts a crashing runner at once, blocks its event loop in cleanup, orphans the tree', async (t) => {
  const r = await runIncident('2-runner-supervisor', 'broken', { graceMs: 3000 });
  t.diagnostic(figures(r));
  assert.ok(r.restartDelayMs < 1500, `restart delay ${r.restartDelayMs} ms: no backoff (the fixed one waits ≥ 1.6 s)`);
  assert.equal(r.killed, true, 'the blocked cleanup never finishes');
  assert.ok(r.longestHealthGapMs >= 2500, `longest health gap ${r.longestHealthGapMs} ms`);
  assert.ok(r.orphans >= 3, `orphans: ${r.orphans} (the wedged runner and its helpers)`);
});

test('fixed: backoff before restarting, health answered throughout, the runner tree closed, exit 0', async (t) => {
  const r = await runIncident('2-runner-supervisor', 'fixed', { graceMs: 3000 });
  t.diagnostic(figures(r));
  assert.equal(r.restarts, 0, 'no restart inside the 1 s window (backoff 2 s ± 20 %)');
  assert.ok(r.restartDelayMs >= 1500, `restart delay ${r.restartDelayMs} ms`);
  assert.equal(r.killed, false);
  assert.equal(r.code, 0);
  assert.ok(
    r.longestHealthGapMs < 2500,
    `longest health gap ${r.longestHealthGapMs} ms: never blocked as the broken one is (≥ 2.5 s)`,
  );
  assert.equal(r.orphans, 0);
});
