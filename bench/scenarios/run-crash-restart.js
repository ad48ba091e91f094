// A service that crashes every 40 requests under `lastcall run --restart always`, with and without
// --listen: connections refused while it is down (the backoff, the start of the next one).
import net from 'node:net';

import { sleep, spawnCommand } from '../lib.js';
import { startLoad } from '../load-client.js';
import { CLI, runFixture } from '../run-peers.js';

const CRASHES = 5;

export const scenario = {
  name: 'run-crash-restart',
  title: 'Crash restarts under load: connections refused',
  meaning:
    `A Node HTTP service that exits(1) after every 40th response, under \`lastcall run --restart always ` +
    `--backoff 200ms..200ms\` and 4 clients opening a new connection per request, for ${CRASHES} crashes: ` +
    'connections refused per crash (lower is better; 0 is the target) and other failed requests per crash ' +
    '(requests the crashing process had accepted: a crash cuts them either way). lastcall: with ' +
    "`--listen tcp:…` (the runner holds the socket, connections wait in the kernel's queue for the next child); " +
    'no-listen: the service binds its own port, so every connection during the backoff and the restart is refused.',
  libraries: ['lastcall', 'no-listen'],
  figures: {
    refusedPerCrash: { label: 'refused / crash', better: 'lower', digits: 1 },
    otherFailedPerCrash: { label: 'other failures / crash', kind: 'set' },
    ok: { label: 'requests served', kind: 'set' },
  },
  capMs: 60_000,
  quickCapMs: 60_000,
  async run({ library }) {
    const s = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    const { port } = s.address();
    await new Promise((r) => s.close(r));
    const listen = library === 'lastcall' ? ['--listen', `tcp:127.0.0.1:${port}`] : [];
    const h = spawnCommand(
      process.execPath,
      [
        CLI,
        'run',
        ...listen,
        '--restart',
        'always',
        '--backoff',
        '200ms..200ms',
        '--max-restarts',
        '100',
        '--',
        process.execPath,
        runFixture('listen-service.cjs'),
      ],
      { env: { PORT: String(port), CRASH_EVERY: '40' }, label: library },
    );
    try {
      await h.waitForLine(/^READY/);
      const load = startLoad({ port, keepAlive: 0, fresh: 4, timeoutMs: 5000 });
      const until = performance.now() + 45_000;
      while (!new RegExp(`restart #${CRASHES} in`).test(h.stderr())) {
        if (performance.now() > until) break;
        await sleep(10);
      }
      const stats = await load.stop();
      const refused = stats.failures.filter((f) => f === 'ECONNREFUSED').length;
      return {
        refusedPerCrash: refused / CRASHES,
        otherFailedPerCrash: (stats.failures.length - refused) / CRASHES,
        ok: stats.ok,
      };
    } finally {
      h.kill();
    }
  },
};
