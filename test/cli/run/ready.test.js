// --ready tcp:|http://|log:|fd: and --ready-timeout (a timeout is a failed start).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import path from 'node:path';
import test from 'node:test';

import { fixture, NODE, readJson, startRun, tempDir } from '../../helpers/run.js';

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs, waits for each of `patterns` (in order) in the output, then SIGTERM; the report. */
async function readyThenStop(t, args, patterns = [/lastcall: ready/]) {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(['--report', report, ...args]);
  for (const pattern of patterns) await run.waitFor(pattern);
  run.signal('SIGTERM');
  const exit = await run.exited;
  return { run, exit, report: readJson(report) };
}

test('log:<regex> on stderr: ready after the line, not before', async (t) => {
  const { run, exit, report } = await readyThenStop(t, [
    '--ready',
    'log:listening on \\d+',
    '--',
    'python3',
    fixture('log-ready.py'),
    '0.3',
  ]);
  assert.equal(exit.code, 0);
  assert.ok(
    run.stderr.indexOf('listening on') < run.stderr.indexOf('lastcall: ready'),
    'the child line is copied through first',
  );
  assert.ok(report.readyMs >= 250, `${report.readyMs}`);
  assert.ok(report.runs[0].readyMs >= 250);
});

test('log:<regex>: everything the child writes up to its exit is copied through before the runner exits', async (t) => {
  const script =
    'trap \'i=0; while [ $i -lt 30000 ]; do echo "line $i"; i=$((i+1)); done; echo BYE; exit 0\' TERM; ' +
    'echo READY; while :; do sleep 1 & wait $!; done';
  const { run, exit } = await readyThenStop(t, ['--ready', 'log:^READY$', '--', 'sh', '-c', script]);
  assert.equal(exit.code, 0);
  assert.match(run.stdout, /line 29999\nBYE\n/, `the last lines were lost: ...${run.stdout.slice(-80)}`);
});

test('tcp:<port> and http://…: ready once the server answers', async (t) => {
  for (const kind of ['tcp', 'http']) {
    const port = await freePort();
    const spec = kind === 'tcp' ? `tcp:${port}` : `http://127.0.0.1:${port}/health`;
    const { run, report } = await readyThenStop(t, [
      '--ready',
      spec,
      '--',
      NODE,
      fixture('server.js'),
      String(port),
      '300',
    ]);
    assert.ok(run.stdout.indexOf('LISTENING') !== -1);
    assert.ok(report.readyMs >= 250, `${kind}: ${report.readyMs}`);
  }
});

test('fd:<n>: ready when the child writes a newline to fd n', async (t) => {
  // The child prints NOTIFIED just after its write to fd 3: the stop waits for it, or may come first.
  const { run, report } = await readyThenStop(
    t,
    ['--ready', 'fd:3', '--', fixture('fd-ready.sh'), '3', '0.3'],
    [/lastcall: ready/, /NOTIFIED/],
  );
  assert.match(run.stdout, /NOTIFIED/);
  assert.ok(report.readyMs >= 250, `${report.readyMs}`);
});

test('--ready-timeout: the child is stopped and the runner exits 122', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun([
    '--ready',
    'log:never printed',
    '--ready-timeout',
    '300ms',
    '--report',
    report,
    '--',
    'python3',
    fixture('log-ready.py'),
  ]);
  const exit = await run.exited;
  assert.equal(exit.code, 122, run.stderr);
  assert.match(run.stderr, /Not ready \(log:never printed\) within 300 ms/);
  const r = readJson(report);
  assert.equal(r.outcome, 'ready-timeout');
  assert.equal(r.steps[0].status, 'timed-out');
});

test('--ready-timeout with --restart on-failure restarts the child, then gives up', async () => {
  const run = startRun([
    '--ready',
    'log:never',
    '--ready-timeout',
    '1500ms',
    '--restart',
    'on-failure',
    '--backoff',
    '10ms..10ms',
    '--max-restarts',
    '1',
    '--',
    'python3',
    fixture('log-ready.py'),
  ]);
  const exit = await run.exited;
  assert.equal(exit.code, 123);
  assert.equal((run.stdout.match(/starting up/g) ?? []).length, 2);
});

test('SIGTERM before ready: a plain stop, no ready line, no restart', async (t) => {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun([
    '--ready',
    'log:listening',
    '--restart',
    'always',
    '--report',
    report,
    '--',
    'python3',
    fixture('log-ready.py'),
    '30',
  ]);
  await run.waitFor(/starting up/);
  run.signal('SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 0);
  assert.doesNotMatch(run.stderr, /lastcall: ready|Not ready/);
  const r = readJson(report);
  assert.equal(r.outcome, 'stopped');
  assert.equal(r.readyMs, undefined);
  assert.equal(r.runs.length, 1);
});

test('parseReadySpec: the forms it accepts, and a UsageError naming the flag otherwise', async () => {
  const { parseReadySpec } = await import('../../../build/modules/cli/ready-spec.js');
  assert.deepEqual(parseReadySpec('--ready', 'tcp:8080'), { kind: 'tcp', host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseReadySpec('--ready', 'tcp:db.local:5432'), { kind: 'tcp', host: 'db.local', port: 5432 });
  assert.deepEqual(parseReadySpec('--ready', 'tcp:[::1]:80'), { kind: 'tcp', host: '::1', port: 80 });
  assert.deepEqual(parseReadySpec('--ready', 'http://127.0.0.1:1/h'), { kind: 'http', url: 'http://127.0.0.1:1/h' });
  assert.equal(parseReadySpec('--ready', 'log:up (\\d+)').pattern.source, 'up (\\d+)');
  assert.deepEqual(parseReadySpec('--ready', 'fd:3'), { kind: 'fd', fd: 3 });
  for (const bad of ['tcp:0', 'tcp:70000', 'tcp:x', 'fd:2', 'fd:x', 'log:', 'log:[', 'unix:/x', '8080', 'http://']) {
    assert.throws(
      () => parseReadySpec('--probe', bad),
      (e) => e.code === 'ERR_USAGE' && e.message.startsWith('--probe:'),
      bad,
    );
  }
});

test('a --ready-timeout above the 2^31-1 ms timer limit means what it says (not 1 ms)', async (t) => {
  const port = await freePort();
  // Ready after 300 ms; with the timeout clamped to 1 ms by Node, the run would fail first (exit 122).
  const { exit, report } = await readyThenStop(t, [
    '--ready',
    `tcp:${port}`,
    '--ready-timeout',
    '1000h',
    '--',
    NODE,
    fixture('server.js'),
    String(port),
    '300',
  ]);
  assert.equal(exit.code, 0);
  assert.ok(report.readyMs >= 250, `${report.readyMs}`);
});

// The tcp:/http timeout says what doctor's --url failure says: the target, the per-try timeout, how
// the tries ended, and the --ready log: alternative.
test('--ready tcp:/http timeouts name the target, the per-try timeout and how the tries ended', async () => {
  const port = await freePort();
  const cases = [
    // Nothing listens: every try is refused.
    [
      `tcp:${port}`,
      'setInterval(() => {}, 1000)',
      new RegExp(
        `connect to 127\\.0\\.0\\.1:${port} never succeeded \\(\\d+ tries, each given up after 1000 ms: \\d+ refused\\)`,
      ),
    ],
    // A server answering 503 until the timeout.
    [
      `http://127.0.0.1:${port}/health`,
      `require('node:http').createServer((q, r) => { r.statusCode = 503; r.end(); }).listen(${port}, '127.0.0.1')`,
      new RegExp(
        `GET http://127\\.0\\.0\\.1:${port}/health never succeeded \\(\\d+ tries, each given up after 1000 ms: (\\d+ refused, )?\\d+ status 503\\)`,
      ),
    ],
    // A server that accepts and never answers: the tries time out.
    [
      `http://127.0.0.1:${port}/`,
      `require('node:net').createServer(() => {}).listen(${port}, '127.0.0.1')`,
      /never succeeded \(\d+ tries, each given up after 1000 ms: (\d+ refused, )?\d+ timed out\)/,
    ],
  ];
  for (const [spec, script, pattern] of cases) {
    const run = startRun(['--ready', spec, '--ready-timeout', '2500ms', '--', NODE, '-e', script]);
    const exit = await run.exited;
    assert.equal(exit.code, 122, run.stderr);
    const line = run.stderr.split('\n').find((l) => l.includes('Not ready'));
    assert.match(
      line,
      new RegExp(
        `Not ready \\(${spec.startsWith('tcp') ? `tcp:127\\.0\\.0\\.1:${port}` : spec.replace(/[.?/]/g, '\\$&')}\\) within 2500 ms: `,
      ),
    );
    assert.match(line, pattern);
    assert.match(line, /--ready 'log:<regex>' waits for that line instead/);
  }
});
