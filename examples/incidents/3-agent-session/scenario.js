// Incident 3, run once: a live session (room, recorder, playout, tool client) gets SIGTERM; the
// tool server never acknowledges its shutdown.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { countOrphans, startService } from '../runner/service-manager.js';
import { startPeers } from './peers.js';

export const incident = {
  id: '3-agent-session',
  title: "session 'close' never fires",
  original: 'session close hung on one step; its close event never fired',
};

export async function run(variant, { graceMs = 3000 } = {}) {
  const peers = await startPeers();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lastcall-session-'));
  const script = fileURLToPath(new URL(`./${variant}.js`, import.meta.url));
  let service;
  try {
    service = await startService(script, {
      env: { ...peers.env, SESSION_DIR: dir, DEADLINE_MS: String(graceMs - 500) },
    });
    const stop = await service.stop(graceMs);
    const files = await readdir(dir);
    const stderr = service.stderr();
    const closeFired = service.lines.filter((line) => line === 'CLOSE-FIRED').length;
    const hung = service.lines.find((line) => line.startsWith('HUNG '))?.slice(5) ?? '';
    const figures = {
      exitMs: stop.exitMs,
      killed: stop.killed,
      code: stop.code,
      closeFired,
      hungStep: hung,
      lateFailureLogged: /"tools" \(close\) rejected late/.test(stderr),
      unhandled: /Unhandled|unhandledRejection|uncaught/i.test(stderr),
      summaryWritten: files.includes('summary.json'),
      orphans: await countOrphans(service),
      filesLeft: files.filter((name) => name.endsWith('.part')),
    };
    figures.workLost = figures.filesLeft.length > 0 ? 'recording' : 'none';
    figures.happened =
      closeFired === 0
        ? "'close' never fired; no call summary"
        : `'close' fired ${closeFired === 1 ? 'once' : `${closeFired} times`}; hung step named: ${hung}`;
    return figures;
  } finally {
    await service?.dispose();
    peers.close();
    await rm(dir, { recursive: true, force: true });
  }
}
