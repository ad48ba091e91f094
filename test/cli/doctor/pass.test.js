// Well-behaved services, in Node (lastcall) and Python (plain asyncio), pass every check.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { checkOf, doctor, doctorFixture, withTempDir } from '../../helpers/doctor.js';

function assertAllPass(result, code, ids) {
  const summary = result.checks.map((c) => `${c.id}: ${c.status}: ${c.message}`).join('\n');
  assert.deepEqual(result.checks.map((c) => c.id).sort(), [...ids].sort(), summary);
  for (const c of result.checks) assert.equal(c.status, 'pass', summary);
  assert.equal(result.verdict, 'pass');
  assert.equal(code, 0);
}

const CHECKS = ['ready', 'exit', 'exit-code', 'intake', 'in-flight', 'resets', 'orphans', 'files'];

test('a lastcall service (createLifecycle + httpServer + probes + PID file) passes every check', async () => {
  await withTempDir(async (dir) => {
    const pidfile = path.join(dir, 'svc.pid');
    const command = [process.execPath, doctorFixture('lastcall-service.js'), pidfile];
    const { code, result } = await doctor(
      ['--after', '500ms', '--deadline', '5s', '--pidfile', pidfile, '--second-signal'],
      command,
      { env: { PRE_STOP_MS: '1000' } },
    );
    assertAllPass(result, code, [...CHECKS, 'second-signal']);
    assert.equal(existsSync(pidfile), false);
    assert.deepEqual(result.command, command);
    assert.equal(result.runs, 1);
    const kinds = new Set(result.timeline.map((e) => e.kind));
    for (const kind of ['ready', 'signal', 'requests', 'intake', 'connections', 'process', 'exit'])
      assert.ok(kinds.has(kind), kind);
  });
});

test('the readiness endpoint of a lastcall service turns non-2xx before its listener closes (--ready log:, --signal SIGINT)', async () => {
  const flags = [
    '--after',
    '500ms',
    '--readiness',
    'http://127.0.0.1:{port}/readyz',
    '--ready',
    'log:^READY$',
    '--signal',
    'SIGINT',
  ];
  const { result } = await doctor(flags, [process.execPath, doctorFixture('lastcall-service.js')]);
  assert.equal(result.verdict, 'pass', JSON.stringify(result.checks));
  assert.equal(result.timeline.find((e) => e.kind === 'signal').label, 'SIGINT');
  assert.equal(checkOf(result, 'intake').status, 'pass', checkOf(result, 'intake').message);
  const readiness = result.timeline.filter((e) => e.kind === 'readiness').map((e) => e.outcome);
  assert.ok(readiness.includes('2xx') && readiness.includes('non-2xx'), readiness.join(','));
});

test('a plain python3 asyncio server that drains correctly passes every check, over 2 runs', async () => {
  await withTempDir(async (dir) => {
    const pidfile = path.join(dir, 'py.pid');
    const { code, result } = await doctor(
      ['--after', '500ms', '--deadline', '5s', '--file', pidfile, '--runs', '2'],
      ['python3', doctorFixture('asyncio-drain.py'), pidfile],
    );
    assertAllPass(result, code, CHECKS);
    assert.equal(result.runs, 2);
    assert.match(checkOf(result, 'exit').message, /worst of 2 runs/);
  });
});

// Issue 20 item 13: "1 processes" reads as one process.
test('a service of one process: orphans passes saying "the 1 process", not "1 processes"', async () => {
  const service = `const s = require('node:http').createServer((q, r) => r.end('ok'));
    process.on('SIGTERM', () => s.close(() => process.exit(0)));
    s.listen(Number(process.env.PORT), '127.0.0.1');`;
  const { result } = await doctor(
    ['--after', '300ms', '--deadline', '3s', '--connections', '1'],
    [process.execPath, '-e', service],
  );
  const orphans = checkOf(result, 'orphans');
  assert.equal(orphans.status, 'pass', orphans.message);
  assert.equal(orphans.message, 'the 1 process seen in its tree was not alive 1 s after exit');
});
