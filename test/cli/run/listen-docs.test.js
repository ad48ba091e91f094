// The Python service of docs/cli-run.md ("Sockets that outlive the child"), run as documented: under
// `lastcall run --listen --reload-signal` and new-connection load, reloads lose no request.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { startLoad } from '../../helpers/listen-load.js';
import { codeBlocks, readDoc } from '../../helpers/markdown.js';
import { startRun, tempDir } from '../../helpers/run.js';

test(
  'docs/cli-run.md: the Python service block reloads under load without losing a request',
  { timeout: 60_000 },
  async (t) => {
    const python = codeBlocks(readDoc('docs/cli-run.md')).filter((b) => b.lang === 'python');
    assert.equal(python.length, 1);
    const app = path.join(tempDir(t), 'app.py');
    writeFileSync(app, python[0].code);
    const run = startRun([
      '--listen',
      'tcp:127.0.0.1:0',
      '--ready',
      'log:^listening',
      '--reload-signal',
      'SIGHUP',
      '--',
      'python3',
      app,
    ]);
    const port = Number((await run.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    await run.waitFor(/ready \(log:/);
    const load = startLoad({ port, keepAlive: 0, fresh: 4 });
    await load.waitForOk(10);
    for (let i = 1; i <= 3; i += 1) {
      run.signal('SIGHUP');
      await run.waitFor(new RegExp(`reload #${i}: old child \\d+ stopped`), 20_000);
      await load.waitForOk(10);
    }
    const stats = await load.stop();
    assert.deepEqual(stats.failures, []);
    run.signal('SIGTERM');
    assert.equal((await run.exited).code, 0, run.stderr);
  },
);
