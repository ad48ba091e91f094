// A machine without the optional Debian packages (chromium, nginx, redis-server, postgresql) runs
// `npm test` to the end: the tests that need one skip and name the package to install. Under CI=true
// the same tests fail instead, so CI cannot pass without them. LASTCALL_TEST_WITHOUT hides packages
// that are installed here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { root } from '../helpers/markdown.js';

const files = ['test/cli/render/html.test.js', 'test/ecosystem/nginx.test.js', 'test/ecosystem/ioredis.test.js'];
const without = 'chromium,nginx,redis-server,postgresql';

function runTests(env) {
  // NODE_TEST_CONTEXT would make the child a subtest of this run instead of a run of its own.
  const rest = { ...process.env };
  delete rest.CI;
  delete rest.NODE_TEST_CONTEXT;
  const run = spawnSync(
    process.execPath,
    ['--test', '--test-force-exit', '--test-reporter=tap', ...files.map((f) => path.join(root, f))],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...rest, LASTCALL_TEST_WITHOUT: without, ...env },
    },
  );
  return { status: run.status, output: run.stdout + run.stderr };
}

test('without the optional packages, their tests skip and name the package to install', { timeout: 150_000 }, () => {
  const { status, output } = runTests({});
  assert.equal(status, 0, output.slice(-3000));
  assert.match(output, /^# fail 0$/m);
  for (const pkg of ['chromium', 'nginx', 'redis-server'])
    assert.match(output, new RegExp(`# SKIP needs ${pkg} \\(apt-get install -y ${pkg}\\)`), pkg);
});

test('under CI=true a missing optional package fails the tests that need it', { timeout: 150_000 }, () => {
  const { status, output } = runTests({ CI: 'true' });
  assert.notEqual(status, 0);
  for (const pkg of ['chromium', 'nginx', 'redis-server'])
    assert.match(output, new RegExp(`CI must install ${pkg}`), pkg);
});
