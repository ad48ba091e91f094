// One broken service per failing check, started by the real CLI: each is caught, with evidence.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { checkOf, doctor, doctorFixture, withTempDir } from '../../helpers/doctor.js';

const FAST = ['--after', '500ms', '--deadline', '1500ms'];
const node = (name, ...args) => [process.execPath, doctorFixture(name), ...args];

function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

test('a service that swallows SIGTERM and keeps serving: exit, exit-code and intake fail; --explain names its listener', async () => {
  const { code, result } = await doctor([...FAST, '--second-signal'], node('swallow.js'));
  assert.equal(code, 1);
  assert.equal(result.verdict, 'fail');
  const exit = checkOf(result, 'exit');
  assert.equal(exit.status, 'fail');
  assert.match(exit.message, /SIGKILLed its whole tree/);
  assert.match(exit.message, /still serving new connections/);
  assert.match(exit.message, /Server listening on 127\.0\.0\.1:\d+/);
  assert.equal(checkOf(result, 'exit-code').status, 'fail');
  assert.equal(checkOf(result, 'intake').status, 'fail');
  assert.equal(checkOf(result, 'second-signal').status, 'fail');
  assert.equal(checkOf(result, 'in-flight').status, 'pass');
  const exitEvent = result.timeline.find((e) => e.kind === 'exit');
  assert.equal(exitEvent.killedByDoctor, true);
});

test('a service that resets in-flight requests: in-flight fails', async () => {
  // Its requests take 2 s, longer than the default readiness probe waits: readiness is its READY line.
  const { code, result } = await doctor([...FAST, '--ready', 'log:^READY$'], node('reset-inflight.js'));
  assert.equal(code, 1);
  const inFlight = checkOf(result, 'in-flight');
  assert.equal(inFlight.status, 'fail', inFlight.message);
  assert.match(inFlight.message, /\d+ reset/);
  assert.equal(checkOf(result, 'exit').status, 'pass');
});

test('a service that leaves setsid children and a double-forked daemon behind: orphans fails with their pids, and doctor kills them', async () => {
  const { code, result } = await doctor(FAST, node('setsid-children.js'));
  assert.equal(code, 1);
  const orphans = checkOf(result, 'orphans');
  assert.equal(orphans.status, 'fail', orphans.message);
  assert.equal(orphans.value, 3);
  const pids = [...orphans.message.matchAll(/pid (\d+) \(sleep 30[01]\)/g)].map((m) => Number(m[1]));
  assert.equal(pids.length, 3, orphans.message);
  assert.match(orphans.message, /sleep 301/, 'the double-forked daemon is found through the environment marker');
  for (const pid of pids) assert.equal(isAlive(pid), false, `orphan ${pid} still alive`);
  const marked = result.timeline.filter((e) => e.kind === 'process' && e.orphan).map((e) => e.pid);
  assert.deepEqual(marked.sort(), pids.sort());
});

test('a python3 service SIGKILLed at the deadline leaves its PID file: files fails and says the PID is dead', async () => {
  await withTempDir(async (dir) => {
    const pidfile = path.join(dir, 'left.pid');
    const { code, result } = await doctor(
      [...FAST, '--pidfile', pidfile],
      ['python3', doctorFixture('pidfile-left.py'), pidfile],
    );
    assert.equal(code, 1);
    const files = checkOf(result, 'files');
    assert.equal(files.status, 'fail', files.message);
    assert.match(files.message, /left\.pid \(pid \d+\): its PID is dead/);
    assert.ok(existsSync(pidfile));
    assert.equal(checkOf(result, 'exit').status, 'fail');
    assert.doesNotMatch(checkOf(result, 'exit').message, /event loop/, '--explain is for node commands only');
    // A Python service is pointed at `lastcall run`, not at the Node library.
    assert.match(checkOf(result, 'exit').message, /Fix: .*lastcall run --deadline/);
    assert.doesNotMatch(checkOf(result, 'exit').message, /createLifecycle/);
  });
});

test('a service whose child blocks on a full pipe overruns the deadline: exit fails and names the child', async () => {
  // Its readiness (the same listener) never answers non-2xx: it goes from 200 to refused.
  const { code, result } = await doctor([...FAST, '--readiness', 'http://127.0.0.1:{port}/'], node('pipe-child.js'));
  assert.equal(code, 1);
  const exit = checkOf(result, 'exit');
  assert.equal(exit.status, 'fail', exit.message);
  // What was seen, not a guess at why.
  assert.match(exit.message, /a child process is still alive: \d+/);
  assert.match(exit.message, /child process \d+/);
  assert.equal(checkOf(result, 'orphans').status, 'pass', 'doctor killed the whole tree at the deadline');
  const intake = checkOf(result, 'intake');
  assert.equal(intake.status, 'warn', intake.message);
  assert.match(intake.message, /readiness endpoint never answered non-2xx before the listener closed/);
});

test('a service that closes keep-alive sockets under arriving requests: resets fails', async () => {
  const { code, result } = await doctor(FAST, node('idle-close.js'));
  const resets = checkOf(result, 'resets');
  assert.equal(resets.status, 'fail', resets.message);
  assert.match(resets.message, /on existing keep-alive connections after the signal were reset/);
  assert.equal(code, 1);
});

test('python3 -m http.server dies of SIGTERM: exit-code warns (143), and {port} reaches its arguments', async () => {
  const { result } = await doctor(FAST, [
    'python3',
    '-m',
    'http.server',
    '{port}',
    '--bind',
    '127.0.0.1',
    '--directory',
    doctorFixture(''),
  ]);
  const exitCode = checkOf(result, 'exit-code');
  assert.equal(exitCode.status, 'warn', exitCode.message);
  assert.equal(exitCode.value, 143);
  assert.match(exitCode.message, /systemd/);
  assert.equal(checkOf(result, 'exit').status, 'pass');
  // Issue 20 item 13: the result (and the page's title drawn from it) shows the port the run used.
  assert.doesNotMatch(result.command.join(' '), /\{port\}/);
  assert.match(result.command[3], /^\d+$/);
});

test('a Node service whose event loop blocks on SIGTERM: exit fails and --explain says the loop is blocked', async () => {
  const script = `const server = require('node:http').createServer((q, s) => s.end('ok'));
    process.on('SIGTERM', () => { for (;;); });
    server.listen(Number(process.env.PORT), '127.0.0.1');`;
  const { result } = await doctor(FAST, [process.execPath, '-e', script]);
  const exit = checkOf(result, 'exit');
  assert.equal(exit.status, 'fail');
  assert.match(exit.message, /--explain got no answer: its event loop is likely blocked/);
  const intake = checkOf(result, 'intake');
  assert.equal(intake.status, 'warn', intake.message);
  assert.match(intake.message, /still accepted \(the probes timed out\)/);
});

test('a Node service that already uses lastcall is not told to use lastcall: its own deadline is the fix', async () => {
  const { code, result } = await doctor(FAST, node('lastcall-stuck.js'));
  assert.equal(code, 1);
  const exit = checkOf(result, 'exit');
  assert.equal(exit.status, 'fail', exit.message);
  assert.match(exit.message, /Fix: it uses lastcall: give its lifecycle a deadline shorter than this one/);
  assert.doesNotMatch(exit.message, /createLifecycle enforces/);
});

test('a tree that keeps forking short-lived processes after the exit: orphans fails, doctor ends within its bound, nothing is left', async () => {
  const started = performance.now();
  // A tag of this run's own in every generation's argv: another run's chain (a suite beside this one) is not ours.
  const tag = `chain-${process.pid}-${Date.now()}`;
  const { code, result } = await doctor(
    ['--ready', 'log:READY', ...FAST],
    ['python3', doctorFixture('fork-chain.py'), tag],
  );
  const tookMs = performance.now() - started;
  assert.equal(code, 1);
  const orphans = checkOf(result, 'orphans');
  assert.equal(orphans.status, 'fail', orphans.message);
  // Named (a walk caught a generation) or by the group (each too short-lived to name): both fail it.
  assert.match(orphans.message, /(alive|still had members) 1 s after it exited/);
  // The chain runs 30 s on its own: before, doctor saw "pass" and waited for it (~31 s).
  assert.ok(tookMs < 20_000, `doctor took ${Math.round(tookMs)} ms`);
  const { readdirSync } = await import('node:fs');
  const left = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(tag);
      } catch {
        return false;
      }
    });
  assert.deepEqual(left, [], 'no generation of the chain survives doctor');
});
