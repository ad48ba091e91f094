// `lastcall report` draws the library's own ShutdownReport (and a run-style report) as text, JSON and HTML.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root, runCli, withTempDir } from '../helpers/doctor.js';

function writeLibraryReport(file) {
  const out = spawnSync(process.execPath, [path.join(root, 'test', 'fixtures', 'report', 'write-report.js'), file], { cwd: root, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(readFileSync(file, 'utf8'));
}

test('a real ShutdownReport: text lists every step with its status, --json echoes it, --html draws one bar per step', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'report.json');
    const report = writeLibraryReport(file);
    const text = await runCli(['report', file]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /shutdown timed-out/);
    assert.match(text.stdout, /pass\s+db \(close\)/);
    assert.match(text.stdout, /fail\s+queue \(close\)\s+failed .*broker gone/);
    assert.match(text.stdout, /fail\s+cache \(close\)\s+timed-out/);
    const json = await runCli(['report', file, '--json']);
    assert.deepEqual(JSON.parse(json.stdout), report);
    const html = path.join(dir, 'report.html');
    assert.equal((await runCli(['report', file, '--html', html])).code, 0);
    const page = readFileSync(html, 'utf8');
    assert.equal((page.match(/<rect class="bar step /g) ?? []).length, report.steps.length);
    assert.doesNotMatch(page, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'self-contained: no external URL');
  });
});

test('a run-style report (steps plus run-specific fields) is drawn by the same renderer', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'run.json');
    const run = { command: ['node', 'x.js'], exitCode: 0, outcome: 'clean', durationMs: 120, steps: [{ name: 'child', phase: 'close', status: 'ok', startMs: 0, durationMs: 100, error: null }], survivors: [] };
    writeFileSync(file, JSON.stringify(run));
    const out = await runCli(['report', file, '--html', path.join(dir, 'run.html')]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /pass\s+child \(close\)/);
    assert.match(readFileSync(path.join(dir, 'run.html'), 'utf8'), /<rect class="bar step ok"/);
  });
});

test('bad input: a missing file, not JSON, not a report: exit 2 with one line naming the file', async () => {
  await withTempDir(async (dir) => {
    const notJson = path.join(dir, 'a.json');
    writeFileSync(notJson, '{nope');
    const notReport = path.join(dir, 'b.json');
    writeFileSync(notReport, JSON.stringify({ steps: [{ name: 'x', phase: 'close', status: 'ok', startMs: 'soon', durationMs: 1 }] }));
    for (const [args, pattern] of [
      [['report', path.join(dir, 'missing.json')], /missing\.json: cannot read it \(ENOENT\)/],
      [['report', notJson], /a\.json: not JSON/],
      [['report', notReport], /b\.json: not a lastcall report: steps\[0\]\.startMs is not a number/],
      [['report'], /expected one report file/],
    ]) {
      const out = await runCli(args);
      assert.equal(out.code, 2, args.join(' '));
      assert.match(out.stderr, pattern);
      assert.equal(out.stderr.trim().split('\n').length, 1);
    }
  });
});

test('a `lastcall doctor --json` result is drawn too: the checks as rows, one bar per process', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'doctor.json');
    const result = {
      verdict: 'fail',
      command: ['node', 'svc.js'],
      runs: 1,
      checks: [
        { id: 'exit', status: 'pass', message: 'exited 12 ms after SIGTERM', value: 12 },
        { id: 'orphans', status: 'fail', message: '1 processes of its tree were alive', value: 1 },
      ],
      timeline: [
        { kind: 'signal', atMs: 100, label: 'SIGTERM' },
        { kind: 'process', pid: 10, ppid: 1, command: 'node svc.js', startMs: 0, endMs: 112, orphan: false },
        { kind: 'process', pid: 11, ppid: 1, command: 'sleep 300', startMs: 5, endMs: 1200, orphan: true },
        { kind: 'exit', atMs: 112, label: 'exit 0', code: 0, signal: null, killedByDoctor: false },
      ],
    };
    writeFileSync(file, JSON.stringify(result));
    const html = path.join(dir, 'doctor.html');
    const out = await runCli(['report', file, '--html', html]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /fail\s+orphans\s+1 processes/);
    const page = readFileSync(html, 'utf8');
    assert.equal((page.match(/<rect class="bar proc/g) ?? []).length, 2);
    assert.equal((page.match(/<rect class="bar proc orphan"/g) ?? []).length, 1);
  });
});

test('the deadline\'s source, the pre-stop and the handed-down deadline are in the text and the HTML', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'report.json');
    const fixture = path.join(root, 'test', 'fixtures', 'report', 'write-platform-report.js');
    const out = spawnSync(process.execPath, [fixture, file], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, DYNO: 'web.1' } });
    assert.equal(out.status, 0, out.stderr);
    const text = await runCli(['report', file, '--html', path.join(dir, 'r.html')]);
    assert.match(text.stdout, /deadline 29000 ms from heroku \(DYNO: 30000 ms grace − 1000 ms margin\)/);
    assert.match(text.stdout, /pre-stop 1\d\d ms, ended: no-server/);
    assert.match(readFileSync(path.join(dir, 'r.html'), 'utf8'), /deadline 29000 ms from heroku/);
    const run = path.join(dir, 'run.json');
    writeFileSync(run, JSON.stringify({ kind: 'run', deadlineMs: 2000, deadlineSource: { source: 'option', detail: '--deadline' }, childDeadlineMs: 1350, steps: [] }));
    assert.match((await runCli(['report', run])).stdout, /deadline 2000 ms from option \(--deadline\); child's deadline 1350 ms \(handed down\)/);
  });
});
