// `node --import lastcall/auto` on an unmodified Express app whose own SIGTERM handler exits.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runUnderLoad } from '../helpers/adopted-app.js';

test('Express with its own exit-calling SIGTERM handler, --import lastcall/auto: 0 lost under load, exit 0, the handler in the report', async (t) => {
  const { exit, hung, load, fixture } = await runUnderLoad('express-app.cjs', { preload: 'import' });
  t.diagnostic(`with lastcall/auto: ${JSON.stringify(load)}`);
  assert.equal(hung, false, fixture.stderr);
  assert.equal(exit.code, 0, fixture.stderr);
  assert.equal(load.lost, 0, JSON.stringify(load));
  assert.ok(load.okAfterStop > 0, 'requests in flight at SIGTERM were answered');
  assert.match(fixture.stderr, /ok +http 127\.0\.0\.1:\d+ \(drain\)/);
  assert.match(
    fixture.stderr,
    /ok +process\.on\('SIGTERM', anonymous\) at test\/fixtures\/auto\/express-app\.cjs:8 \(close\)/,
  );
  assert.match(
    fixture.stderr,
    /process\.exit\(0\) called at test\/fixtures\/auto\/express-app\.cjs:8 during shutdown: deferred until this report/,
  );
  assert.match(fixture.stderr, /shutdown clean in \d+ ms \(exit 0\)/);
});

test('the same app with -r lastcall/auto (the CommonJS build): the same outcome', async () => {
  const { exit, load, fixture } = await runUnderLoad('express-app.cjs', { preload: 'require' });
  assert.equal(exit.code, 0, fixture.stderr);
  assert.equal(load.lost, 0, JSON.stringify(load));
  assert.match(fixture.stderr, /process\.on\('SIGTERM', anonymous\) at test\/fixtures\/auto\/express-app\.cjs:8/);
});

test('without lastcall/auto the same app loses requests or never exits under keep-alive load (the baseline)', async (t) => {
  const { hung, load } = await runUnderLoad('express-app.cjs', { capMs: 3000 });
  t.diagnostic(`without: ${JSON.stringify(load)}, hung: ${hung}`);
  assert.ok(hung || load.lost > 0, JSON.stringify(load));
});

test('LASTCALL_AUTO=0 turns the preload off; a bad LASTCALL_* value stops the app at start naming the variable', async () => {
  const { hung, load } = await runUnderLoad('express-app.cjs', {
    preload: 'import',
    env: { LASTCALL_AUTO: '0' },
    capMs: 3000,
  });
  assert.ok(hung || load.lost > 0, JSON.stringify(load));
  await assert.rejects(
    runUnderLoad('express-app.cjs', { preload: 'import', env: { LASTCALL_EXIT_PRESET: 'upstart' } }),
    /LASTCALL_EXIT_PRESET/,
  );
});
