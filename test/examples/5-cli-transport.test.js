// Incident 5 end to end: the client's close waits are scaled from 5 s to 1 s each (EOF → 1 s →
// SIGTERM → 1 s → SIGKILL), so the broken close takes ~2 s instead of ~10 s.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { figures, runIncident } from '../../examples/incidents/runner/incidents.js';

test('broken: the CLI blocked on a full stdout pipe needs SIGKILL; its tool server is orphaned', async (t) => {
  const r = await runIncident('5-cli-transport', 'broken', { stepMs: 1000 });
  t.diagnostic(figures(r));
  assert.equal(r.cliExit, 'SIGKILL');
  assert.ok(r.cliCloseMs >= 1900, `close took ${r.cliCloseMs} ms`);
  assert.equal(r.orphans, 1);
});

test('fixed: the output keeps flowing, the CLI exits by itself before the first wait could run out', async (t) => {
  // Waits of 2 s here: the bound below is a guard (tens to a few hundred ms are typical), not a target.
  const r = await runIncident('5-cli-transport', 'fixed', { stepMs: 2000 });
  t.diagnostic(figures(r));
  assert.equal(r.cliExit, '0', 'exited by itself: no SIGTERM, no SIGKILL');
  assert.ok(r.cliCloseMs < 2000, `close took ${r.cliCloseMs} ms`);
  assert.equal(r.orphans, 0);
});
