// lastcall's own cost: orchestrating 1,000 no-op steps, importing the package, memory.
import { performance } from 'node:perf_hooks';

import { capProcess, hungLabel, spawnFixture } from '../lib.js';

const STEPS = 1000;

export const scenario = {
  name: 'core-overhead',
  title: 'Core overhead: 1,000 no-op steps, import cost, memory',
  meaning:
    'lastcall against plain Node doing the least possible: shutdown() → report for 1,000 no-op ' +
    'close steps (plain: Promise.all of 1,000 no-op closes), a fresh process spawn → exit that imports ' +
    'lastcall (plain: a bare process), the import() itself, and RSS after it; lower is better everywhere.',
  libraries: ['lastcall', 'plain'],
  figures: {
    shutdownMs: { label: `shutdown of ${STEPS.toLocaleString('en')} steps, ms`, better: 'lower' },
    processMs: { label: 'process spawn→exit, ms', better: 'lower' },
    importMs: { label: 'import() in-process, ms' },
    rssMb: { label: 'RSS after import, MiB', better: 'lower', digits: 1 },
  },
  capMs: 10_000,
  quickCapMs: 5000,
  async run({ library, capMs }) {
    const imported = await measure(library, ['import'], capMs, true);
    const steps = await measure(library, ['steps', String(STEPS)], capMs, false);
    return { ...imported.figures, processMs: imported.ms, ...steps.figures };
  },
};

/** Runs the fixture once; returns its JSON line and, when `timed`, spawn→exit ms. */
async function measure(library, args, capMs, timed) {
  const t0 = performance.now();
  const handle = spawnFixture('core-overhead', library, { args });
  try {
    const figures = JSON.parse(await handle.waitForLine(/^\{/, capMs));
    const r = await capProcess(handle, capMs, t0);
    if (r.hung) throw new Error(`${library} ${args[0]}: still alive after its figures (${hungLabel(capMs)})`);
    if (r.code !== 0)
      throw new Error(`${library} ${args[0]}: exit code ${r.code ?? r.signal}: ${handle.stderr().trim().slice(-300)}`);
    return { figures, ms: timed ? r.ms : undefined };
  } finally {
    handle.kill();
  }
}
