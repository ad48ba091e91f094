// Behaviour 5 and the exit codes: every start failure is one stderr line and a documented code.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { CLI, fixture, NODE, runToEnd, tempDir } from '../../helpers/run.js';

const oneLine = (stderr) =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('npm warn'));

test('a bad flag or value is one line naming it, exit 2', async () => {
  for (const args of [
    ['--deadline', '5x', '--', 'true'],
    ['--backoff', '2s', '--', 'true'],
    ['--backoff', '5s..1s', '--', 'true'],
    ['--restart', 'sometimes', '--', 'true'],
    ['--stop-signal', 'SIGKILL', '--', 'true'],
    ['--stop-signal', 'SIGNOPE', '--', 'true'],
    ['--ready', 'udp:53', '--', 'true'],
    ['--ready', 'fd:1', '--', 'true'],
    ['--ready', 'log:(', '--', 'true'],
    ['--max-restarts', '-1', '--', 'true'],
    ['--no-restart-on', '3,x', '--', 'true'],
    ['--exit-code', 'stopped=300', '--', 'true'],
    ['--exit-code', 'nope=1', '--', 'true'],
    ['--exit-preset', 'upstart', '--', 'true'],
    ['--adopt', '--', 'true'],
    ['--bogus', '--', 'true'],
    [],
  ]) {
    const r = await runToEnd(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = oneLine(r.stderr);
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], /^lastcall: /);
    const flag = args.find((a) => a.startsWith('--') && a !== '--');
    if (flag && flag !== '--bogus') assert.ok(lines[0].includes(flag), `${lines[0]} names ${flag}`);
  }
});

test('a duration with no unit below 1000 is a usage error suggesting seconds, for every duration flag', async () => {
  for (const [flag, value] of [
    ['--deadline', '30'],
    ['--ready-timeout', '5'],
    ['--reset-after', '60'],
    ['--restart-window', '600'],
    ['--backoff', '1..60s'],
    ['--backoff', '1s..60'],
  ]) {
    const r = await runToEnd([flag, value, '--', 'true']);
    assert.equal(r.code, 2, `${flag} ${value}: ${r.stderr}`);
    const lines = oneLine(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0],
      new RegExp(`^lastcall: ${flag}: .*no unit; write (\\d+)s for seconds \\(or \\1ms`),
      lines[0],
    );
  }
  // Explicit units, 0 and 1000 or more stay accepted; the env variable's name says milliseconds.
  const ok = await runToEnd(['--json', '--deadline', '30000', '--backoff', '0..2s', '--', 'true']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).deadlineMs, 30000);
  const env = await runToEnd(['--json', '--', 'true'], { env: { LASTCALL_DEADLINE_MS: '300' } });
  assert.equal(JSON.parse(env.stdout).deadlineMs, 300);
});

test('LASTCALL_DEADLINE_MS is used, and a bad value names the variable', async () => {
  const r = await runToEnd(['--', 'true'], { env: { LASTCALL_DEADLINE_MS: 'soon' } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /LASTCALL_DEADLINE_MS/);
  const ok = await runToEnd(['--json', '--', 'true'], { env: { LASTCALL_DEADLINE_MS: '1500' } });
  assert.equal(JSON.parse(ok.stdout).deadlineMs, 1500);
});

test('not found → 127, not executable → 126, each one line', async (t) => {
  const dir = tempDir(t);
  const r = await runToEnd(['--', path.join(dir, 'missing')]);
  assert.equal(r.code, 127);
  assert.deepEqual(oneLine(r.stderr).length, 1);
  assert.match(r.stderr, /not found \(ENOENT\)/);
  const file = path.join(dir, 'plain.txt');
  writeFileSync(file, 'not a program');
  chmodSync(file, 0o644);
  const e = await runToEnd(['--', file]);
  assert.equal(e.code, 126);
  assert.match(e.stderr, /EACCES/);
  assert.equal(oneLine(e.stderr).length, 1);
});

test('--help prints every flag and exits 0', async () => {
  const r = await runToEnd(['--help']);
  assert.equal(r.code, 0);
  for (const flag of [
    '--deadline',
    '--stop-signal',
    '--restart',
    '--backoff',
    '--max-restarts',
    '--restart-window',
    '--reset-after',
    '--no-restart-on',
    '--pidfile',
    '--ready',
    '--ready-timeout',
    '--report',
    '--json',
    '--exit-code',
    '--exit-preset',
  ]) {
    assert.ok(r.stdout.includes(flag), flag);
  }
});

test("the child's own exit code passes through; a signal death is 128+n", async () => {
  assert.equal((await runToEnd(['--', 'sh', '-c', 'exit 7'])).code, 7);
  assert.equal((await runToEnd(['--', 'sh', '-c', 'kill -USR1 $$'])).code, 128 + 10);
  const r = await runToEnd(['--json', '--', fixture('crash.sh'), '0']);
  assert.equal(r.code, 0);
  const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  assert.equal(report.outcome, 'exited');
  assert.equal(report.kind, 'run');
  assert.equal(report.runs.length, 1);
});

test('--exit-code and --exit-preset remap outcomes', async () => {
  assert.equal((await runToEnd(['--exit-code', 'exited=9', '--', 'sh', '-c', 'exit 7'])).code, 9);
  assert.equal((await runToEnd(['--exit-preset', 'systemd', '--exit-code', 'exited=4', '--', 'true'])).code, 4);
});

test('argv and environment pass as UTF-8 text: invalid bytes become U+FFFD, valid UTF-8 is exact (docs/cli-run.md)', async () => {
  // bash builds the bytes; od shows what the child received.
  const script = `X=$'a\\xffb' "${NODE}" "${CLI}" run -- sh -c 'printf %s "$1" | od -An -tx1; printf %s "$X" | od -An -tx1' _ $'a\\xffb\\xc3\\xa9'`;
  const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
  const [code] = await once(child, 'close');
  assert.equal(code, 0);
  const [argv, env] = out
    .trim()
    .split('\n')
    .map((l) => l.trim());
  assert.equal(argv, '61 ef bf bd 62 c3 a9', 'the invalid byte is replaced, é (c3 a9) is exact');
  assert.equal(env, '61 ef bf bd 62');
});
