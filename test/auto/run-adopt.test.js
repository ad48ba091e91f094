// `lastcall run --adopt -- node app.js`: the runner preloads lastcall/auto into its Node child.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { fixturesDir } from '../helpers/fixture.js';
import { startLoad } from '../helpers/load.js';
import { NODE, runToEnd, startRun } from '../helpers/run.js';

const app = path.join(fixturesDir, 'auto', 'express-app.cjs');

test('run --adopt -- node app: the Express app drains under load, its handler adopted, exit 0', async (t) => {
  const run = startRun(['--adopt', '--deadline', '5s', '--', NODE, app], {
    env: { NODE_OPTIONS: '', LASTCALL_DEADLINE_MS: '' },
  });
  const port = Number((await run.waitFor(/^READY (\d+)$/m, 20_000))[1]);
  const load = startLoad(port);
  await load.warm();
  load.stopping();
  run.signal('SIGTERM');
  const exit = await run.exited;
  const counts = await load.stop();
  t.diagnostic(JSON.stringify(counts));
  assert.equal(exit.code, 0, run.stderr);
  assert.equal(counts.lost, 0, JSON.stringify(counts));
  // The child's lastcall got the deadline the runner hands down: less than its own 5 s.
  const childMs = Number(/shutting down \(SIGTERM\), deadline (\d+) ms/.exec(run.stderr)?.[1]);
  assert.ok(childMs > 2500 && childMs < 5000, run.stderr);
  assert.match(run.stderr, /process\.on\('SIGTERM', anonymous\) at .*express-app\.cjs:8 \(close\)/);
});

test('run --adopt with a command that is not node: one usage line naming --adopt, exit 2', async () => {
  const r = await runToEnd(['--adopt', '--', 'sh', '-c', 'exit 0']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(
    r.stderr,
    /^lastcall: --adopt: the command must be node \(lastcall run --adopt -- node app\.js\), got "sh"/,
  );
});
