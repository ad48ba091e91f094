// Stop-signal listeners other code registered are adopted: real processes, real signals.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';

import { startFixture } from '../helpers/fixture.js';

const run = (spec) => startFixture('core/adopt-service.js', { args: [JSON.stringify(spec)] });
const HANDLER_AT = String.raw`at test/fixtures/core/adopt-service\.js:\d+`;
const count = (text, line) => text.split('\n').filter((l) => l === line).length;

test('an exit-calling SIGTERM handler registered before the lifecycle runs as a step; its exit waits for the report', async () => {
  const fixture = await run({ order: 'before', handler: 'exit' });
  assert.match(fixture.stdout, /^CHECK own=true library=false count=2$/m);
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  const report = fixture.report();
  assert.equal(report.outcome, 'clean');
  // Without adoption the handler's process.exit(0) would cut db0, still closing for 200 ms.
  assert.match(fixture.stdout, /^DB0 closed$/m);
  const adopted = report.steps.find((step) => step.name.startsWith("process.on('SIGTERM', appHandler)"));
  assert.ok(adopted, JSON.stringify(report.steps));
  assert.match(adopted.name, new RegExp(HANDLER_AT));
  assert.equal(adopted.status, 'ok');
  assert.equal(report.exitRequests.length, 1);
  assert.equal(report.exitRequests[0].code, 0);
  assert.match(report.exitRequests[0].at, /^test\/fixtures\/core\/adopt-service\.js:\d+$/);
  assert.match(
    fixture.stderr,
    /process\.exit\(0\) called at test\/fixtures\/core\/adopt-service\.js:\d+ during shutdown: deferred until this report/,
  );
  assert.equal(count(fixture.stdout, 'HANDLER SIGTERM'), 1);
  assert.doesNotMatch(fixture.stdout, /LIBRARY ran/);
});

test('registered after the lifecycle: adopted too, and the exit code is the worse of its exit(3) and a clean 0', async () => {
  const fixture = await run({ order: 'after', handler: 'exit', code: 3 });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 3);
  assert.match(fixture.stdout, /^DB0 closed$/m);
  assert.equal(fixture.report().exitCode, 3);
});

test('process.once, two lifecycles from the ESM and CommonJS builds: the handler runs exactly once, both close', async () => {
  const fixture = await run({ order: 'after', handler: 'exit', once: true, lifecycles: 2, cjs: true });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  assert.equal(count(fixture.stdout, 'HANDLER SIGTERM'), 1);
  assert.match(fixture.stdout, /^DB0 closed$/m);
  assert.match(fixture.stdout, /^DB1 closed$/m);
  assert.match(fixture.stdout, new RegExp(String.raw`process\.once\('SIGTERM', appHandler\) ${HANDLER_AT}`));
});

test("a handler that re-raises SIGTERM at itself (NestJS's enableShutdownHooks) does not force the shutdown", async () => {
  const fixture = await run({ handler: 'nest' });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  const report = fixture.report();
  assert.equal(report.outcome, 'clean');
  assert.match(fixture.stdout, /^HANDLER re-raised$/m);
  assert.match(fixture.stdout, /^DB0 closed$/m);
  assert.equal(count(fixture.stdout, 'HANDLER SIGTERM'), 1);
  assert.doesNotMatch(fixture.stderr, /second SIGTERM/);
});

test('a second SIGTERM from outside still forces, with an adopted handler hanging', async () => {
  const fixture = await run({ handler: 'hang', options: { stepTimeoutMs: 0 } });
  fixture.child.kill('SIGTERM');
  await waitForLine(fixture, 'HANDLER SIGTERM');
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1);
  assert.equal(fixture.report().outcome, 'forced');
  assert.match(fixture.stderr, /second SIGTERM: forcing shutdown/);
});

test('exit: false: after the shutdown the listener, process.exit and process.kill are the originals, and the process ends on its own', async () => {
  const fixture = await run({ handler: 'plain', options: { exit: false } });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  assert.match(fixture.stdout, /^RESTORED listener=true exit=true kill=true$/m);
  assert.equal(count(fixture.stdout, 'HANDLER SIGTERM'), 1);
});

test('exit: false with a once handler that exits: the exit happens, after the report', async () => {
  const fixture = await run({ handler: 'exit', once: true, code: 4, options: { exit: false } });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 4);
  assert.ok(fixture.stdout.indexOf('DB0 closed') < fixture.stdout.indexOf('REPORT '));
  assert.equal(fixture.report().exitRequests[0].code, 4);
});

test('adoptSignalListeners: false leaves the handler alone, with one warning naming it', async () => {
  const fixture = await run({ handler: 'plain', options: { adoptSignalListeners: false } });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  assert.equal(count(fixture.stdout, 'HANDLER SIGTERM'), 1);
  assert.match(
    fixture.stderr,
    new RegExp(
      String.raw`adoptSignalListeners is false: 1 other SIGTERM listener\(s\) run on their own, unbounded: process\.on\('SIGTERM', appHandler\) ${HANDLER_AT}`,
    ),
  );
  assert.ok(!fixture.report().steps.some((step) => step.name.startsWith('process.')));
});

test('adoptSignalListeners must be a boolean', () => {
  assert.throws(() => createLifecycle({ adoptSignalListeners: 'yes', signals: false }), {
    code: 'ERR_INVALID_OPTION',
    message: /adoptSignalListeners/,
  });
});

/** Resolves once the fixture printed `line`: its output, not a sleep, says when. */
function waitForLine(fixture, line) {
  return new Promise((resolve) => {
    const check = () => {
      if (fixture.stdout.split('\n').includes(line)) {
        fixture.child.stdout.off('data', check);
        resolve();
      }
    };
    fixture.child.stdout.on('data', check);
    check();
  });
}
