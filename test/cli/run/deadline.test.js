// The deadline handed down: `lastcall run --deadline 2s` gives its child LASTCALL_DEADLINE_MS = its
// own deadline minus the kill reserve and a margin, so a child using lastcall with defaults (or a
// Python child reading the variable, the snippet in docs/deadline.md) finishes its own shutdown
// before the runner would have to SIGKILL it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { fixture, NODE, readJson, startRun, tempDir } from '../../helpers/run.js';

test(
  'run --deadline 2s: a Node child with createLifecycle() defaults and a 5 s step times out inside its handed-down deadline; the runner says stopped',
  { timeout: 30_000 },
  async (t) => {
    const dir = tempDir(t);
    const runReport = path.join(dir, 'run.json');
    const childReport = path.join(dir, 'child.json');
    const run = startRun([
      '--deadline',
      '2s',
      '--report',
      runReport,
      '--',
      NODE,
      fixture('deadline-child.js'),
      childReport,
    ]);
    const [, childDeadline] = await run.waitFor(/READY (\d+)/);
    assert.equal(Number(childDeadline), 1350, '2000 − 500 kill reserve − 150 margin');
    run.signal('SIGTERM');
    await run.exited;
    const r = readJson(runReport);
    assert.equal(r.outcome, 'stopped', `runner: ${r.outcome} (stop ${JSON.stringify(r.stop)})`);
    assert.notEqual(r.stop.escalation, 'sigkill');
    assert.equal(r.deadlineMs, 2000);
    assert.equal(r.childDeadlineMs, 1350);
    assert.deepEqual(r.deadlineSource, { source: 'option', detail: '--deadline' });
    const c = JSON.parse(readFileSync(childReport, 'utf8'));
    assert.equal(c.outcome, 'timed-out');
    assert.equal(c.deadlineMs, 1350);
    assert.equal(c.deadlineSource.source, 'parent');
    assert.match(c.deadlineSource.detail, /SIGKILLs 1500 ms after its stop signal/);
    assert.ok(c.durationMs < 1500, `the child's shutdown took ${c.durationMs} ms`);
  },
);

test(
  "LASTCALL_DEADLINE_MS set for the child next to --deadline is the user's: not replaced",
  { timeout: 30_000 },
  async (t) => {
    const dir = tempDir(t);
    const run = startRun(['--deadline', '3s', '--', NODE, fixture('deadline-child.js'), path.join(dir, 'child.json')], {
      env: { LASTCALL_DEADLINE_MS: '700' },
    });
    const [, childDeadline] = await run.waitFor(/READY (\d+)/);
    assert.equal(Number(childDeadline), 700);
    run.signal('SIGTERM');
    await run.exited;
  },
);

test(
  'the Python snippet of docs/deadline.md, under run --deadline 2s: it closes inside the handed-down deadline, exit 0',
  { timeout: 30_000 },
  async (t) => {
    const script = fixture('deadline-child.py');
    const docs = readFileSync(new URL('../../../docs/deadline.md', import.meta.url), 'utf8');
    const block = /```python\n([\s\S]*?)```/.exec(docs)?.[1];
    assert.equal(block, readFileSync(script, 'utf8'), 'docs/deadline.md shows the script this test runs');
    const runReport = path.join(tempDir(t), 'run.json');
    const run = startRun(['--deadline', '2s', '--report', runReport, '--', 'python3', script]);
    await run.waitFor(/READY/);
    run.signal('SIGTERM');
    const { code } = await run.exited;
    assert.match(run.stdout, /closed within 1350 ms/);
    assert.equal(code, 0);
    assert.equal(readJson(runReport).outcome, 'stopped');
  },
);
