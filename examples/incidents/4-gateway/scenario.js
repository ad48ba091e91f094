// Incident 4, run once: a gateway connected to four chat platforms; one platform wedges; SIGTERM;
// then the service manager restarts the gateway at once with the same PID file.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { countOrphans, startService } from '../runner/service-manager.js';
import { startPlatforms } from './platforms.js';

export const incident = {
  id: '4-gateway',
  title: 'wedged adapter, stale PID file',
  original: 'hung on one disconnect until SIGKILL; stale PID file blocked the restart',
};

export const STEP_TIMEOUT_MS = 800; // fixed.js: each platform's notice and disconnect

export async function run(variant, { graceMs = 3000 } = {}) {
  const platforms = await startPlatforms();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lastcall-gateway-'));
  const pidFile = path.join(dir, 'gateway.pid');
  const script = fileURLToPath(new URL(`./${variant}.js`, import.meta.url));
  const env = {
    ...platforms.env,
    PID_FILE: pidFile,
    DEADLINE_MS: String(graceMs - 500),
    STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS),
  };
  const services = [];
  try {
    const service = await startService(script, { env });
    services.push(service);
    platforms.wedge('threadly');
    const stop = await service.stop(graceMs);
    const pidFileLeft = existsSync(pidFile);
    const missed = platforms.count - platforms.noticesDelivered();
    // The wedged platform reads nothing, so no gateway can deliver its notice: say so, next to any
    // notice that was simply never sent.
    const why = platforms
      .noticesMissed()
      .map(({ name, why }) => (why === 'wedged' ? `${name} wedged, unreachable` : `${name} never sent`));
    const phases = /^PHASES drain=(\d+) close=(\d+)$/.exec(service.lines.find((l) => l.startsWith('PHASES ')) ?? '');
    const orphans = await countOrphans(service);

    let restart;
    try {
      const again = await startService(script, { env });
      services.push(again);
      restart = 'started';
      await again.stop(graceMs);
    } catch (error) {
      restart = /already running|ERR_PIDFILE_HELD/.test(error.message) ? 'refused' : `failed: ${error.message}`;
    }
    return {
      exitMs: stop.exitMs,
      killed: stop.killed,
      code: stop.code,
      drainPhaseMs: phases ? Number(phases[1]) : undefined,
      closePhaseMs: phases ? Number(phases[2]) : undefined,
      pidFileLeft,
      restart,
      orphans,
      filesLeft: pidFileLeft ? ['gateway.pid'] : [],
      noticesMissed: missed,
      workLost: missed === 0 ? 'none' : `${missed} of ${platforms.count} notices (${why.join('; ')})`,
      happened: stop.killed
        ? `hung on the wedged platform; restart ${restart}`
        : `close phase ${phases?.[2]} ms: one ${STEP_TIMEOUT_MS} ms timeout, not 4; restart ${restart}`,
    };
  } finally {
    for (const service of services) await service.dispose();
    platforms.close();
    await rm(dir, { recursive: true, force: true });
  }
}
