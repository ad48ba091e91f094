// A lock holder is SIGKILLed; how long until a new instance holds the lock?
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { spawnFixture } from '../lib.js';

export const scenario = {
  name: 'stale-lock',
  title: 'Restart after a SIGKILLed lock holder',
  meaning:
    'A holder takes the lock and is SIGKILLed; a new instance then tries every 300 ms. Figures: ' +
    'ms from the SIGKILL until the new instance holds the lock (its node start-up included), ms from ' +
    'its first try, and how many tries that took; lower is better, one try is the floor. proper-lockfile uses its defaults ' +
    '(stale after 10 s of unrefreshed mtime); a capped run shows the cap instead of a time.',
  libraries: ['lastcall', 'proper-lockfile'],
  figures: {
    heldMs: { label: 'SIGKILL→held ms', better: 'lower' },
    acquireMs: { label: 'first try→held ms', better: 'lower' },
    tries: { label: 'tries', better: 'lower' },
  },
  capMs: 15_000,
  quickCapMs: 3000,
  async run({ library, capMs }) {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-stale-lock-'));
    const lock = path.join(dir, 'service.lock');
    const processes = [];
    try {
      const holder = spawnFixture('stale-lock', library, { args: ['hold', lock] });
      processes.push(holder);
      await holder.waitForLine(/^READY$/);
      const killedAt = performance.now();
      holder.kill();
      await holder.exited;
      const next = spawnFixture('stale-lock', library, { args: ['acquire', lock, String(capMs)] });
      processes.push(next);
      const line = await next.waitForLine(/^(HELD|CAPPED) /, capMs + 10_000);
      const heldAt = performance.now();
      const [outcome, acquireMs, tries] = line.split(' ');
      if (outcome === 'CAPPED') {
        const label = `> ${Number((capMs / 1000).toFixed(1))} s (capped)`;
        return { heldMs: label, acquireMs: label, tries: `> ${tries} (capped)` };
      }
      return { heldMs: heldAt - killedAt, acquireMs: Number(acquireMs), tries: Number(tries) };
    } finally {
      for (const proc of processes) proc.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
