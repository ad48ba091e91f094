// The guardian's cost: latency of the first spawnManaged() (which starts it) and its memory.
import { spawnFixture } from '../lib.js';

export const scenario = {
  name: 'guardian-cost',
  title: 'Cost of the process guardian',
  meaning:
    'Latency of the first spawnManaged() call (it starts the guardian) and of the second, and the ' +
    'guardian\'s resident and proportional memory (dash `sh`); lower is better. "no-guardian" is the same ' +
    'code with { guardian: false }.',
  libraries: ['lastcall', 'no-guardian'],
  figures: {
    firstSpawnMs: { label: 'first spawn ms', better: 'lower' },
    secondSpawnMs: { label: 'second spawn ms', better: 'lower' },
    guardianRssKb: { label: 'guardian RSS kB', better: 'lower' },
    guardianPssKb: { label: 'guardian PSS kB', better: 'lower' },
  },
  capMs: 10_000,
  quickCapMs: 5000,
  async run({ library, capMs }) {
    const handle = spawnFixture('guardian-cost', library);
    try {
      const [, first, second, rss, pss] = (await handle.waitForLine(/^RESULT /, capMs)).split(' ').map(Number);
      return { firstSpawnMs: first, secondSpawnMs: second, guardianRssKb: rss, guardianPssKb: pss };
    } finally {
      handle.kill();
    }
  },
};
