// The exit path under hostile conditions, with real processes: closed stdio, huge durations, a full
// stdout at the deadline, several lifecycles in one process, process.exit from a hook, PID 1.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { test } from 'node:test';

import { fixturesDir, startFixture } from '../../helpers/fixture.js';
import { assertGuard } from '../../helpers/timing.js';

const FIXTURE = 'core/exit-service.js';
// A regression here is a process that never exits: fail it, do not hang the suite.
const GUARD = { timeout: 30_000 };
const run = (spec, env) => startFixture(FIXTURE, { args: [JSON.stringify(spec)], env });
const reports = (stdout) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('REPORT '))
    .map((line) => JSON.parse(line.slice('REPORT '.length).replace(/^\d+ /, '')));
const status = (report, key) => report.steps.find((s) => `${s.name}:${s.phase}` === key)?.status;
/** One lifecycle (step timeout 300 ms) whose `quitter` calls process.exit(0) from its close hook; SIGTERM. */
async function quitterShutdown(before, after = []) {
  const quitter = { name: 'quitter', hooks: { close: 'exit:0' } };
  const fixture = await run({
    lifecycles: [{ options: { stepTimeoutMs: 300 }, steps: [...before, quitter, ...after] }],
  });
  return { fixture, exit: await fixture.signalAndWait('SIGTERM') };
}

test('stderr closed (EPIPE): no loop, close hooks run, the process exits with the report code', GUARD, async () => {
  const fixture = await run({
    lifecycles: [{ options: { deadlineMs: 3000 }, steps: [{ name: 'db', hooks: { close: 'delay:20' } }] }],
  });
  fixture.child.stderr.destroy();
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  assertGuard(exit.elapsedMs, 200, 'a 20 ms close');
  assert.match(fixture.stdout, /HOOK db close/);
  assert.equal(reports(fixture.stdout)[0].outcome, 'clean');
});

test('stdout closed under a logger writing to it: the shutdown still ends, bounded', GUARD, async () => {
  const fixture = await run({
    logger: 'stdout',
    lifecycles: [{ options: { deadlineMs: 3000 }, steps: [{ name: 'db', hooks: { close: 'delay:20' } }] }],
  });
  fixture.child.stdout.destroy();
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  assertGuard(exit.elapsedMs, 200, 'a 20 ms close');
  assert.doesNotMatch(fixture.stderr, /EPIPE|uncaught/i);
});

test('the watchdog ends the process whatever its own write does (stderr closed)', GUARD, async () => {
  const fixture = await run({
    lifecycles: [{ options: { deadlineMs: 500 }, steps: [{ name: 'blocker', hooks: { close: 'spin' } }] }],
  });
  fixture.child.stderr.destroy();
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1);
  assertGuard(exit.elapsedMs, 500, 'the watchdog ends it at the 500 ms deadline');
});

for (const [what, options, env] of [
  ['options', { deadlineMs: 1e10, stepTimeoutMs: 3e9 }, {}],
  [
    'LASTCALL_DEADLINE_MS / LASTCALL_STEP_TIMEOUT_MS',
    {},
    { LASTCALL_DEADLINE_MS: '99999999999', LASTCALL_STEP_TIMEOUT_MS: '3000000000' },
  ],
]) {
  test(`durations above 2^31-1 ms mean what they say (${what})`, GUARD, async () => {
    const fixture = await run(
      { lifecycles: [{ options, steps: [{ name: 'slow', hooks: { close: 'delay:300' } }] }] },
      env,
    );
    const exit = await fixture.signalAndWait('SIGTERM');
    assert.equal(exit.code, 0, fixture.stderr);
    const [report] = reports(fixture.stdout);
    assert.equal(status(report, 'slow:close'), 'ok');
    assert.doesNotMatch(fixture.stderr, /exceeded|timed out after/);
  });
}

test('a clean shutdown ending just before the deadline with stdout full exits 0', GUARD, async () => {
  // The last step ends 1 s before the deadline and the report then waits on a stdout nobody reads until
  // the deadline comes. The second is slack for the scheduler, not the subject: a step a loaded box
  // ran past the deadline (300 ms was too little) would make the shutdown truly late.
  const fixture = await run({
    lifecycles: [
      {
        options: { deadlineMs: 3000 },
        onShutdown: 'flood:1000000',
        steps: [{ name: 'last', hooks: { finish: 'spin-until:1000' } }],
      },
    ],
  });
  fixture.child.stdout.pause();
  const exit = await fixture.signalAndWait('SIGTERM');
  fixture.child.stdout.resume();
  assert.match(fixture.stderr, /shutdown clean .*\(exit 0\)/);
  assert.doesNotMatch(fixture.stderr, /still running: none/);
  assert.equal(exit.code, 0, fixture.stderr);
});

test(
  'the Kubernetes pre-stop delay cannot eat a short deadline: drain and close still run, one warning',
  GUARD,
  async () => {
    const fixture = await run(
      {
        lifecycles: [
          { options: { deadlineMs: 3000 }, steps: [{ name: 'queue', hooks: { drain: 'ok', close: 'ok' } }] },
        ],
      },
      { KUBERNETES_SERVICE_HOST: '10.0.0.1' },
    );
    const exit = await fixture.signalAndWait('SIGTERM');
    assert.equal(exit.code, 0, fixture.stderr);
    const [report] = reports(fixture.stdout);
    assert.equal(status(report, 'queue:drain'), 'ok');
    assert.equal(status(report, 'queue:close'), 'ok');
    assert.equal(fixture.stderr.match(/preStopDelayMs 5000 ms would take more than half/g)?.length, 1);
  },
);

test('two lifecycles in one process: one signal shuts both, exit when both are done, worst code', GUARD, async () => {
  const fixture = await run({
    lifecycles: [
      { steps: [{ name: 'fast', hooks: { close: 'delay:10', finish: 'ok' } }] },
      { steps: [{ name: 'slow', hooks: { close: 'delay:400', finish: 'throw' } }] },
    ],
  });
  assert.match(fixture.stdout, /^READY 1$/m);
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1);
  assert.match(fixture.stdout, /HOOK fast finish/);
  assert.match(fixture.stdout, /HOOK slow finish/);
  assert.deepEqual(
    reports(fixture.stdout)
      .map((r) => r.outcome)
      .sort(),
    ['clean', 'failed'],
  );
});

test('shutdown() on one of two lifecycles shuts the other down too before the exit', GUARD, async () => {
  const fixture = await run({
    lifecycles: [
      { shutdown: 50, steps: [{ name: 'fast', hooks: { close: 'ok' } }] },
      { steps: [{ name: 'slow', hooks: { close: 'delay:300', finish: 'ok' } }] },
    ],
  });
  const [code] = await once(fixture.child, 'exit');
  assert.equal(code, 0);
  await fixture.exited;
  assert.match(fixture.stdout, /HOOK slow finish/);
  assert.equal(reports(fixture.stdout).length, 2);
});

test(
  'process.exit(0) from a close hook waits for the report: after another step failed, exit 1 and the call in the summary',
  GUARD,
  async () => {
    const { fixture, exit } = await quitterShutdown([{ name: 'broken', hooks: { close: 'throw' } }]);
    assert.equal(exit.code, 1);
    assert.match(
      fixture.stderr,
      /process\.exit\(0\) called at test\/fixtures\/core\/exit-service\.js:\d+ during shutdown: deferred until this report/,
    );
    assert.match(fixture.stderr, /shutdown failed in \d+ ms \(exit 1\): 1 ok, 1 failed, 0 timed out/);
  },
);

test(
  'process.exit from a close hook is deferred: the later tier still closes, and the summary counts and names every step',
  GUARD,
  async () => {
    const { fixture, exit } = await quitterShutdown(
      [{ name: 'http', hooks: { close: 'ok' }, options: { kind: 'server' } }],
      // A client closes after the `other` tier: the deferred exit waits for it.
      [{ name: 'db', hooks: { close: 'ok' }, options: { kind: 'client' } }],
    );
    assert.equal(exit.code, 0);
    assert.match(fixture.stdout, /HOOK quitter close\nHOOK db close/);
    assert.match(fixture.stderr, /: 3 ok, 0 failed, 0 timed out, 0 skipped/);
  },
);

// Issue 20 item 19: the report of a shutdown a hook ended with process.exit() is final and emitted.
test('process.exit(0) from a close hook: the closed event still fires once, with the final report', GUARD, async () => {
  const { fixture, exit } = await quitterShutdown([{ name: 'done', hooks: { close: 'ok' } }]);
  // The exit call is the hook saying it is done (hook-exit.test.js): its step ends ok, the exit is 0.
  assert.equal(exit.code, 0);
  const [report, ...more] = reports(fixture.stdout);
  assert.equal(more.length, 0);
  assert.equal(report.outcome, 'clean');
  assert.equal(status(report, 'done:close'), 'ok');
  assert.equal(status(report, 'quitter:close'), 'ok');
  assert.deepEqual(
    report.exitRequests.map((r) => r.code),
    [0],
  );
});

// Issue 20 item 19: a logger returning rejected promises neither loops nor holds the exit.
test(
  'a logger whose every write rejects: the shutdown ends clean, reported, without waiting for the deadline',
  GUARD,
  async () => {
    const fixture = await run({
      logger: 'rejecting',
      lifecycles: [{ options: { deadlineMs: 20_000 }, steps: [{ name: 'db', hooks: { close: 'delay:50' } }] }],
    });
    const exit = await fixture.signalAndWait('SIGTERM');
    const [report] = reports(fixture.stdout);
    assert.equal(report?.outcome, 'clean', fixture.stderr);
    assert.equal(status(report, 'db:close'), 'ok');
    assert.ok(exit.code === 0 || exit.signal === 'SIGTERM', JSON.stringify(exit));
    assert.doesNotMatch(fixture.stderr, /deadline of 20000 ms exceeded/);
  },
);

test(
  'with 200 concurrent steps the watchdog line names the blocking step first, within 4096 bytes',
  GUARD,
  async () => {
    const steps = [{ name: 'blocker', hooks: { close: 'spin' } }];
    for (let i = 0; i < 200; i++) steps.push({ name: `a-step-with-a-rather-long-name-${i}`, hooks: { close: 'hang' } });
    const fixture = await run({ lifecycles: [{ options: { deadlineMs: 1000, stepTimeoutMs: 0 }, steps }] });
    const exit = await fixture.signalAndWait('SIGTERM');
    assert.equal(exit.code, 1);
    const line = fixture.stderr.split('\n').find((l) => l.includes('exceeded'));
    assert.match(line, /still running: blocker \(close\), a-step/);
    assert.match(line, / and \d+ more; exiting with code 1$/);
  },
);

test('onReport ships the report before the exit; a hung one is bounded by the deadline', GUARD, async () => {
  const fixture = await run({
    lifecycles: [
      { options: { deadlineMs: 1500 }, onReport: 'delay:200', steps: [{ name: 'db', hooks: { close: 'ok' } }] },
      { options: { deadlineMs: 1500 }, onReport: 'hang' },
    ],
  });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  assert.match(fixture.stdout, /SHIPPED 0 clean false/);
  assertGuard(exit.elapsedMs, 500, 'the watchdog ends it at the 500 ms deadline');
  // Its own bound normally ends it; on a loaded machine the watchdog may, with the same code.
  assert.match(
    fixture.stderr,
    /onReport did not finish within the \d+ ms left of the deadline|shutdown finished \(exit 0\) but/,
  );
});

for (const [how, onReport] of [
  ['after 50 ms', 'exit:3'],
  ['in its synchronous part', 'exit-now:3'],
]) {
  test(
    `onReport calling process.exit(3) ${how}: the exit comes at the call, with that code, and says so`,
    GUARD,
    async () => {
      const fixture = await run({
        lifecycles: [{ options: { deadlineMs: 5000 }, onReport, steps: [{ name: 'db', hooks: { close: 'ok' } }] }],
      });
      const exit = await fixture.signalAndWait('SIGTERM');
      assert.equal(exit.code, 3, fixture.stderr);
      assert.match(fixture.stderr, /shutdown clean/);
      assert.match(fixture.stderr, /exit code 3 asked for after the report: exiting with it/);
      assertGuard(exit.elapsedMs, 200, `an onReport that exits ${how}`);
    },
  );
}

const canUnshare = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;

test(
  'as PID 1 in a PID namespace a step stuck in a system call still ends at the deadline, with the code stated',
  { ...GUARD, skip: !canUnshare && 'unshare --pid needs util-linux and CAP_SYS_ADMIN' },
  async () => {
    const spec = {
      lifecycles: [
        { options: { deadlineMs: 1000 }, shutdown: 100, steps: [{ name: 'stuck', hooks: { close: 'sync-sleep:30' } }] },
      ],
    };
    const started = Date.now();
    const child = spawn(
      'unshare',
      ['--pid', '--fork', '--mount-proc', process.execPath, path.join(fixturesDir, FIXTURE), JSON.stringify(spec)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.stdout.resume();
    const [code] = await once(child, 'close');
    assert.ok(Date.now() - started < 6000, `took ${Date.now() - started} ms`);
    assert.match(stderr, /still running: stuck \(close\); exiting with code 1/);
    assert.equal(code, 1);
  },
);

test(
  'reraiseSignal: a clean shutdown begun by SIGTERM ends by SIGTERM; a failed one exits with its code',
  GUARD,
  async () => {
    const clean = await run({
      lifecycles: [{ options: { reraiseSignal: true }, steps: [{ name: 'db', hooks: { close: 'ok' } }] }],
    });
    const cleanExit = await clean.signalAndWait('SIGTERM');
    assert.equal(cleanExit.signal, 'SIGTERM');
    assert.match(clean.stderr, /shutdown clean .*\(exit 0\)/);
    const failed = await run({
      lifecycles: [{ options: { reraiseSignal: true }, steps: [{ name: 'db', hooks: { close: 'throw' } }] }],
    });
    const failedExit = await failed.signalAndWait('SIGTERM');
    assert.deepEqual([failedExit.code, failedExit.signal], [1, null]);
  },
);

test('an ESM and a CommonJS copy of lastcall in one process share the signals and the exit', GUARD, async () => {
  const fixture = await startFixture('core/dual-copies.js');
  const exit = await fixture.signalAndWait('SIGTERM');
  // The CommonJS copy's step fails at once; the process still waits for the ESM copy's 300 ms close.
  assert.match(fixture.stdout, /CLOSED cjs/);
  assert.match(fixture.stdout, /CLOSED esm/);
  assert.equal(exit.code, 1);
  assert.equal(fixture.stderr.match(/shutting down \(SIGTERM\)/g)?.length, 2);
});
