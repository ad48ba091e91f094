// Bad command lines exit 2 with one line naming the flag; a service that never becomes ready is
// exit 2 too, with a failed `ready` check in the JSON and nothing left running.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { checkOf, doctor, runCli, withTempDir } from '../../helpers/doctor.js';

for (const [args, pattern] of [
  [['doctor'], /missing the command/],
  [['doctor', '--connections', 'many', '--', 'true'], /--connections: expected a whole number, got "many"/],
  [['doctor', '--deadline', '5x', '--', 'true'], /--deadline: expected a duration/],
  [['doctor', '--deadline', '10', '--', 'true'], /--deadline: "10" has no unit; write 10s for seconds \(or 10ms/],
  [['doctor', '--after', '2', '--', 'true'], /--after: "2" has no unit; write 2s/],
  [['doctor', '--ready-timeout', '30', '--', 'true'], /--ready-timeout: "30" has no unit/],
  [['doctor', '--ready', 'smoke:1', '--', 'true'], /--ready: unknown kind/],
  [['doctor', '--signal', 'SIGNOPE', '--', 'true'], /--signal: expected a signal name/],
  [['doctor', '--url', 'ftp://x', '--', 'true'], /--url: expected an http:\/\/ URL/],
  [['doctor', '--bogus', '--', 'true'], /bogus/],
  [['doctor', '--port', '70000', '--', 'true'], /--port: expected a port 1-65535/],
  [['doctor', '--runs', '0', '--', 'true'], /--runs: expected a whole number >= 1/],
  [['doctor', '--explain', '--no-explain', '--', 'true'], /contradict/],
]) {
  test(`usage error: ${args.slice(1).join(' ')}`, async () => {
    const { code, stdout, stderr } = await runCli(args);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, pattern);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
  });
}

test('doctor --help prints every flag and exits 0', async () => {
  const { code, stdout } = await runCli(['doctor', '--help']);
  assert.equal(code, 0);
  for (const flag of [
    '--port',
    '--url',
    '--ready',
    '--ready-timeout',
    '--connections',
    '--signal',
    '--after',
    '--deadline',
    '--pidfile',
    '--file',
    '--readiness',
    '--second-signal',
    '--runs',
    '--explain',
    '--json',
    '--html',
  ]) {
    assert.ok(stdout.includes(flag), flag);
  }
});

test('a service that never becomes ready: exit 2, ready fails, the rest is skipped, and it is killed', async () => {
  const { code, result } = await doctor(
    ['--ready-timeout', '1s'],
    [process.execPath, '-e', 'console.log("listening nowhere"); setInterval(() => {}, 1000)'],
  );
  assert.equal(code, 2);
  const ready = checkOf(result, 'ready');
  assert.equal(ready.status, 'fail');
  assert.match(ready.message, /not ready within 1000 ms/);
  assert.match(ready.message, /listening nowhere/);
  for (const c of result.checks.filter((x) => x.id !== 'ready')) assert.equal(c.status, 'skip', c.id);
  const process_ = result.timeline.find((e) => e.kind === 'process');
  assert.ok(process_, 'the tree was walked');
  assert.throws(() => process.kill(process_.pid, 0), /ESRCH/);
});

test('without --json the result is text on stderr, nothing on stdout', async () => {
  const { code, stdout, stderr } = await runCli([
    'doctor',
    '--ready-timeout',
    '500ms',
    '--',
    process.execPath,
    '-e',
    'setTimeout(() => {}, 5000)',
  ]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^lastcall doctor: /);
  assert.match(stderr, /fail\s+ready\s+not ready within 500 ms/);
  assert.match(stderr, /skip\s+orphans/);
});

test('a command that does not exist: exit 2 and the spawn error in the ready check', async () => {
  const { code, result } = await doctor(['--ready-timeout', '5s'], ['/nonexistent/lastcall-doctor-service']);
  assert.equal(code, 2);
  assert.match(checkOf(result, 'ready').message, /ENOENT/);
});

test('a service that exits before it is ready: exit 2, and the ready check says how it exited', async () => {
  const { code, result } = await doctor(
    [],
    [process.execPath, '-e', 'console.error("boom: no config"); process.exit(3)'],
  );
  assert.equal(code, 2);
  assert.match(checkOf(result, 'ready').message, /exited before it was ready \(exit code 3\).*boom: no config/);
});

test('--ready fd:3: doctor opens the pipe and the service signals readiness on it', async () => {
  const script = `const http = require('node:http'); const fs = require('node:fs');
    const server = http.createServer((q, s) => s.end('ok'));
    process.on('SIGTERM', () => { server.close(() => process.exit(0)); server.closeIdleConnections(); });
    server.listen(Number(process.env.PORT), '127.0.0.1', () => fs.writeSync(3, 'ready\\n'));`;
  const { result } = await doctor(['--ready', 'fd:3', '--after', '300ms'], [process.execPath, '-e', script]);
  assert.equal(checkOf(result, 'ready').status, 'pass', checkOf(result, 'ready').message);
  assert.equal(checkOf(result, 'exit').status, 'pass', checkOf(result, 'exit').message);
});

test('--url never answering in time: the message names the URL, the per-try timeout, and --ready log: when the output says ready', async () => {
  const slow =
    'require("http").createServer((q, r) => setTimeout(() => r.end("ok"), 3000)).listen(process.env.PORT, () => console.log("READY on " + process.env.PORT))';
  const { code, result } = await doctor(
    ['--ready-timeout', '3s', '--url', 'http://127.0.0.1:{port}/slow'],
    [process.execPath, '-e', slow],
  );
  assert.equal(code, 2);
  const ready = checkOf(result, 'ready');
  assert.equal(ready.status, 'fail');
  assert.match(
    ready.message,
    /not ready within 3000 ms: GET http:\/\/127\.0\.0\.1:\d+\/slow never succeeded \(\d+ tries, each given up after 1000 ms: .*timed out/,
  );
  assert.match(ready.message, /use --ready 'log:READY'/);
});

test('a port already taken by a stranger: its answers do not count, and EADDRINUSE is named', async () => {
  const { createServer } = await import('node:http');
  const stranger = createServer((req, res) => res.end('not the service'));
  await new Promise((resolve) => stranger.listen(0, '127.0.0.1', resolve));
  const port = String(stranger.address().port);
  try {
    // A service that never listens: before, the stranger's answers made it "ready".
    const idle = await doctor(['--port', port, '--ready-timeout', '10s'], ['sleep', '30']);
    assert.equal(idle.code, 2);
    const ready = checkOf(idle.result, 'ready');
    assert.equal(ready.status, 'fail');
    assert.match(
      ready.message,
      new RegExp(
        `port ${port} answered, but it is held by pid ${process.pid} \\(.*\\), a process outside the service's tree`,
      ),
    );
    // A service that dies of EADDRINUSE: said so, with who holds the port.
    const listen = 'require("http").createServer().listen(Number(process.env.PORT), "127.0.0.1")';
    const dies = await doctor(['--port', port, '--ready-timeout', '10s'], [process.execPath, '-e', listen]);
    assert.equal(dies.code, 2);
    assert.match(
      checkOf(dies.result, 'ready').message,
      new RegExp(
        `(EADDRINUSE: port ${port} is held by pid ${process.pid}|port ${port} answered, but it is held by pid ${process.pid})`,
      ),
    );
  } finally {
    stranger.close();
  }
});

// Issue 20 (page): an output path that cannot be written is found before the service starts.
test('--html (doctor, report) and run --report to a path that cannot be written: exit 2 before anything starts', async () => {
  await withTempDir(async (dir) => {
    const marker = path.join(dir, 'started');
    const service = ['sh', '-c', `echo started > ${marker}; sleep 30`];
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    const report = path.join(dir, 'report.json');
    writeFileSync(report, JSON.stringify({ steps: [] }));
    const bad = [
      [path.join(dir, 'missing', 'page.html'), /cannot write .*: its directory .*missing does not exist/],
      [dir, /cannot write .*: it is a directory/],
      ['/sys/lastcall-page.html', /cannot write \/sys\/lastcall-page\.html: permission denied/],
      [path.join(file, 'page.html'), /cannot write .*: a part of .*a-file is not a directory/],
    ];
    for (const [target, pattern] of bad) {
      for (const [args, flag] of [
        [['doctor', '--html', target, '--', ...service], '--html'],
        [['report', report, '--html', target], '--html'],
        [['run', '--report', target, '--', ...service], '--report'],
      ]) {
        const { code, stdout, stderr } = await runCli(args, { timeoutMs: 20_000 });
        const label = `${args.slice(0, 3).join(' ')}: ${stderr}`;
        assert.equal(code, 2, label);
        assert.equal(stdout, '', label);
        assert.match(stderr, new RegExp(`^lastcall: ${flag}: ${pattern.source}`), label);
        assert.equal(stderr.trim().split('\n').length, 1, label);
        assert.equal(existsSync(marker), false, `${label}: the service was never started`);
      }
    }
    // A writable path is left as it was found: no file created by the check.
    const fine = path.join(dir, 'fine.html');
    assert.equal((await runCli(['report', report, '--html', fine])).code, 0);
    assert.ok(existsSync(fine));
  });
});
