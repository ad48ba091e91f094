// Incident 5, run once: a client finished a turn with its CLI subprocess and stopped reading; the
// CLI has more to write. SIGTERM: how long does closing the CLI take, and is its tool server left?
import { fileURLToPath } from 'node:url';

import { countOrphans, startService } from '../runner/service-manager.js';

export const incident = {
  id: '5-cli-transport',
  title: 'CLI wedged on a full pipe',
  original: 'closing the CLI transport took 10 s (EOF, 5 s, SIGTERM, 5 s, SIGKILL)',
};

export async function run(variant, { graceMs = 3000, stepMs = 1000 } = {}) {
  const script = fileURLToPath(new URL(`./${variant}.js`, import.meta.url));
  const service = await startService(script, { env: { STEP_MS: String(stepMs), DEADLINE_MS: String(graceMs - 500) } });
  try {
    const stop = await service.stop(graceMs);
    const closed = /^CLOSED (\d+) (\S+)$/.exec(service.lines.find((l) => l.startsWith('CLOSED ')) ?? '');
    const closeMs = closed ? Number(closed[1]) : undefined;
    const orphans = await countOrphans(service);
    return {
      exitMs: stop.exitMs,
      killed: stop.killed,
      code: stop.code,
      cliCloseMs: closeMs,
      cliExit: closed?.[2],
      orphans,
      filesLeft: [],
      workLost: closed?.[2] === 'SIGKILL' ? 'transcript' : 'none',
      happened: closed
        ? `closing the CLI took ${(closeMs / 1000).toFixed(2)} s (${/^\d+$/.test(closed[2]) ? 'it exited' : closed[2]})`
        : 'the CLI was never closed',
    };
  } finally {
    await service.dispose();
  }
}
