// `lastcall report` draws the library's own ShutdownReport (and a run-style report) as text, JSON and HTML.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { root, runCli, withTempDir } from '../helpers/doctor.js';

function writeLibraryReport(file) {
  const out = spawnSync(process.execPath, [path.join(root, 'test', 'fixtures', 'report', 'write-report.js'), file], {
    cwd: root,
    encoding: 'utf8',
  });
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
    assert.match(text.stdout, /fail\s+cache \(close\)\s+timed-out .*still open: 2 writes unflushed/);
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
    const run = {
      command: ['node', 'x.js'],
      exitCode: 0,
      outcome: 'clean',
      durationMs: 120,
      steps: [{ name: 'child', phase: 'close', status: 'ok', startMs: 0, durationMs: 100, error: null }],
      survivors: [],
    };
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
    writeFileSync(
      notReport,
      JSON.stringify({ steps: [{ name: 'x', phase: 'close', status: 'ok', startMs: 'soon', durationMs: 1 }] }),
    );
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

// Issue 20 item 11: every number of the report family is checked before it is drawn.
test(
  'fuzzed numbers (negative, NaN-ish strings, 1e308, missing): exit 2 naming the field, or drawn without NaN',
  { timeout: 120_000 },
  async () => {
    await withTempDir(async (dir) => {
      const base = () => ({
        reason: 'SIGTERM',
        outcome: 'clean',
        exitCode: 0,
        startedAt: '2026-01-01T00:00:00.000Z',
        durationMs: 40,
        deadlineMs: 1000,
        steps: [{ name: 'db', phase: 'close', status: 'ok', startMs: 1, durationMs: 30 }],
      });
      const fields = [
        ['durationMs', (r, v) => (r.durationMs = v), true],
        ['deadlineMs', (r, v) => (r.deadlineMs = v), true],
        ['stopMs', (r, v) => (r.stopMs = v), true],
        ['exitCode', (r, v) => (r.exitCode = v), true],
        ['steps[0].startMs', (r, v) => (r.steps[0].startMs = v), false],
        ['steps[0].durationMs', (r, v) => (r.steps[0].durationMs = v), false],
      ];
      const values = [-5, 'NaN', '12', 1e308, -1e308, 'Infinity', {}, [], true, undefined];
      let n = 0;
      for (const [field, set, optional] of fields) {
        for (const value of values) {
          const report = base();
          set(report, value);
          const file = path.join(dir, `fuzz-${n++}.json`);
          writeFileSync(file, JSON.stringify(report));
          const html = path.join(dir, 'fuzz.html');
          const out = await runCli(['report', file, '--html', html]);
          const label = `${field} = ${JSON.stringify(value)}`;
          assert.doesNotMatch(out.stdout, /NaN|Infinity ms|-\d+ ms/, label);
          if (value === undefined && optional) {
            assert.equal(out.code, 0, `${label}: ${out.stderr}`);
            assert.doesNotMatch(readFileSync(html, 'utf8'), /NaN/, label);
            continue;
          }
          assert.equal(out.code, 2, `${label}: exit ${out.code}\n${out.stdout}`);
          const escaped = field.replace(/[[\]]/g, '\\$&');
          assert.match(out.stderr, new RegExp(`^lastcall: .*not a lastcall report: ${escaped} `), label);
          assert.equal(out.stderr.trim().split('\n').length, 1, label);
        }
      }
      // A doctor result with a negative time is refused the same way.
      const doctorFile = path.join(dir, 'doctor.json');
      writeFileSync(
        doctorFile,
        JSON.stringify({
          verdict: 'pass',
          command: ['x'],
          runs: 1,
          checks: [],
          timeline: [{ kind: 'signal', atMs: -5, label: 'SIGTERM' }],
        }),
      );
      const out = await runCli(['report', doctorFile]);
      assert.equal(out.code, 2);
      assert.match(out.stderr, /not a lastcall doctor result: timeline\[0\]\.atMs is negative/);
    });
  },
);

// Issue 20 item 13: a doctor result's answer times are checked like its other times, and a result
// from before they were recorded is still drawn (from its send times).
test("a doctor result's answer times: bad ones are exit 2 naming the field; absent ones draw from send times", async () => {
  await withTempDir(async (dir) => {
    const requests = (extra) => ({
      verdict: 'fail',
      command: ['x'],
      runs: 1,
      checks: [],
      timeline: [
        { kind: 'signal', atMs: 100, label: 'SIGTERM' },
        { kind: 'requests', client: 0, startMs: 50, endMs: 400, outcome: '5xx', count: 2, ...extra },
      ],
    });
    const cases = [
      [{ firstAnswerMs: -1, lastAnswerMs: 300, answered: 'after-signal' }, /timeline\[1\]\.firstAnswerMs is negative/],
      [
        { firstAnswerMs: 200, lastAnswerMs: 'NaN', answered: 'after-signal' },
        /timeline\[1\]\.lastAnswerMs is not a number/,
      ],
      [
        { firstAnswerMs: 200, lastAnswerMs: 1e300, answered: 'after-signal' },
        /timeline\[1\]\.lastAnswerMs is too large/,
      ],
      [{ firstAnswerMs: 200, lastAnswerMs: 300, answered: 'later' }, /timeline\[1\]\.answered is not one of/],
    ];
    for (const [extra, message] of cases) {
      const file = path.join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify(requests(extra)));
      const out = await runCli(['report', file, '--html', path.join(dir, 'bad.html')]);
      assert.equal(out.code, 2, JSON.stringify(extra));
      assert.match(out.stderr, message);
      assert.equal(out.stderr.trim().split('\n').length, 1);
    }
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(requests({ firstAnswerMs: 200, lastAnswerMs: 300, answered: 'after-signal' })));
    assert.equal((await runCli(['report', good, '--html', path.join(dir, 'good.html')])).code, 0);
    assert.match(
      readFileSync(path.join(dir, 'good.html'), 'utf8'),
      /class="bar seg 5xx after-signal" data-answered="after-signal"[^>]*><title>client 0: 2 × 5xx; sent from 50 ms, answered 200–300 ms \(after SIGTERM\)</,
    );
    const old = path.join(dir, 'old.json');
    writeFileSync(old, JSON.stringify(requests({})));
    assert.equal((await runCli(['report', old, '--html', path.join(dir, 'old.html')])).code, 0);
    assert.match(readFileSync(path.join(dir, 'old.html'), 'utf8'), /answered 50–400 ms</);
  });
});

// Issue 20 item 12: a run report's durationMs counts from the stop request, as the library's does.
test(
  'lastcall run --report: durationMs is the stop (from the signal to the end), lifeMs the whole run; report says so',
  { timeout: 60_000 },
  async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'run.json');
      // READY 400 ms in: the runner's whole life is clearly more than the stop.
      const script =
        'process.on("SIGTERM", () => setTimeout(() => process.exit(0), 150)); setTimeout(() => console.log("READY"), 400); setInterval(() => {}, 1000);';
      const child = spawn(
        process.execPath,
        [
          path.join(root, 'dist', 'cli', 'main.js'),
          'run',
          '--deadline',
          '5s',
          '--report',
          file,
          '--',
          process.execPath,
          '-e',
          script,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      await new Promise((resolve) =>
        child.stdout.on('data', (chunk) => ((out += chunk), /READY/.test(out) && resolve())),
      );
      child.kill('SIGTERM');
      await once(child, 'close');
      const r = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(r.outcome, 'stopped');
      assert.ok(Math.abs(r.lifeMs - (r.stopMs + r.durationMs)) <= 1, JSON.stringify(r));
      assert.ok(r.stopMs >= 400, `the stop came after the 400 ms run: ${r.stopMs}`);
      assert.ok(r.durationMs >= r.stop.durationMs && r.durationMs < r.deadlineMs, JSON.stringify(r));
      const stopStep = r.steps.at(-1);
      assert.ok(Math.abs(stopStep.startMs - r.stopMs) <= 1);
      const text = await runCli(['report', file, '--html', path.join(dir, 'run.html')]);
      assert.match(text.stdout, new RegExp(`shutdown stopped in ${Math.round(r.durationMs)} ms`));
      const page = readFileSync(path.join(dir, 'run.html'), 'utf8');
      // The deadline line is drawn deadlineMs after the stop, not after the runner's start.
      assert.match(
        page,
        new RegExp(`<line class="mark deadline"[^>]*><title>deadline at ${Math.round(r.stopMs + r.deadlineMs)} ms`),
      );
    });
  },
);

// Issue 20 item 13 (part): process lanes name the command on one line (escaped, cut at 80 with an
// ellipsis), the legend explains the signal and deadline lines, and one orphan is "1 process".
test('the doctor page: process lanes show the command on one escaped line, cut at 80; legend has the lines', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'doctor.json');
    const long = `python3 -c ${'x'.repeat(120)}`;
    const result = {
      verdict: 'fail',
      command: ['sh', 'svc.sh'],
      runs: 1,
      checks: [{ id: 'orphans', status: 'fail', message: 'see the lanes', value: 1 }],
      timeline: [
        { kind: 'signal', atMs: 100, label: 'SIGTERM' },
        { kind: 'deadline', atMs: 1100, label: 'deadline' },
        {
          kind: 'process',
          pid: 10,
          ppid: 1,
          command: 'sh -c "echo a\nREADY <b>"',
          startMs: 0,
          endMs: 112,
          orphan: false,
        },
        { kind: 'process', pid: 11, ppid: 10, command: long, startMs: 5, endMs: 1200, orphan: true },
      ],
    };
    writeFileSync(file, JSON.stringify(result));
    const html = path.join(dir, 'doctor.html');
    const out = await runCli(['report', file, '--html', html]);
    assert.equal(out.code, 0, out.stderr);
    const page = readFileSync(html, 'utf8');
    // A lane label shows what fits its column; its tooltip has the whole label.
    const labels = [...page.matchAll(/<text class="label"[^>]*>[^<]*<title>([^<]*)<\/title><\/text>/g)].map(
      (m) => m[1],
    );
    assert.ok(labels.includes('pid 10: sh -c &#34;echo a\\nREADY &#60;b&#62;&#34;'), labels.join('\n'));
    const cut = labels.find((l) => l.startsWith('pid 11 (orphan): '));
    assert.equal(cut.slice('pid 11 (orphan): '.length), `${long.slice(0, 79)}…`);
    assert.doesNotMatch(page, /echo a\nREADY/, 'no raw newline from a command');
    assert.match(
      page,
      /<span class="legend-line"><i style="border-left:2px dashed #6a1b9a;width:0"><\/i>signal sent<\/span>/,
    );
    assert.match(
      page,
      /<span class="legend-line"><i style="border-left:2px dashed #c62828;width:0"><\/i>deadline<\/span>/,
    );
  });
});

test("the deadline's source, the pre-stop and the handed-down deadline are in the text and the HTML", async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'report.json');
    const fixture = path.join(root, 'test', 'fixtures', 'report', 'write-platform-report.js');
    const out = spawnSync(process.execPath, [fixture, file], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DYNO: 'web.1' },
    });
    assert.equal(out.status, 0, out.stderr);
    const text = await runCli(['report', file, '--html', path.join(dir, 'r.html')]);
    assert.match(text.stdout, /deadline 29000 ms from heroku \(DYNO: 30000 ms grace − 1000 ms margin\)/);
    assert.match(text.stdout, /pre-stop 1\d\d ms, ended: no-server/);
    assert.match(readFileSync(path.join(dir, 'r.html'), 'utf8'), /deadline 29000 ms from heroku/);
    const run = path.join(dir, 'run.json');
    writeFileSync(
      run,
      JSON.stringify({
        kind: 'run',
        deadlineMs: 2000,
        deadlineSource: { source: 'option', detail: '--deadline' },
        childDeadlineMs: 1350,
        steps: [],
      }),
    );
    assert.match(
      (await runCli(['report', run])).stdout,
      /deadline 2000 ms from option \(--deadline\); child's deadline 1350 ms \(handed down\)/,
    );
  });
});
