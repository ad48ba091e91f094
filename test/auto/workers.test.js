// lastcall/auto in an app whose HTTP server runs in a worker thread: signals reach only the main
// thread, whose drain must shut the worker's server down too, and wait for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startFixture } from '../helpers/fixture.js';
import { get } from '../helpers/http.js';
import { waitUntil } from '../helpers/process.js';

const start = (env = {}, preload = 'import') =>
  startFixture('auto/worker-server.mjs', {
    env: { NODE_OPTIONS: `--${preload} lastcall/auto`, LASTCALL_DEADLINE_MS: '5000', ...env },
    readyTimeoutMs: 20_000,
  });
const portOf = (fixture) => Number(/^READY (\d+)$/m.exec(fixture.stdout)[1]);

for (const preload of ['import', 'require']) {
  test(`--${preload}: a request in flight in a worker thread is answered before the exit; the log worker still writes after the drain`, async () => {
    const fixture = await start({}, preload);
    const answer = get(portOf(fixture), '/work/1200');
    assert.ok(await waitUntil(() => fixture.stdout.includes('GOT /work/1200')), fixture.stderr); // in the worker's hands
    const exit = await fixture.signalAndWait();
    const response = await answer;
    assert.equal(response.status, 200, fixture.stderr);
    assert.equal(response.body, 'done 1200\n');
    assert.equal(exit.code, 0, fixture.stderr);
    assert.match(fixture.stderr, /shutdown clean/);
    assert.match(fixture.stderr, /ok +worker threads \(drain\)/);
    // The worker with no server was not shut down: the adopted handler's last line went through it.
    assert.match(fixture.stdout, /^LOG stopping$/m);
  });
}

test('a worker thread still serving at the deadline: the report is not clean and the process exits by the deadline', async () => {
  const fixture = await start({ LASTCALL_DEADLINE_MS: '1500' });
  const answer = get(portOf(fixture), '/work/60000').catch((error) => error);
  assert.ok(await waitUntil(() => fixture.stdout.includes('GOT /work/60000')), fixture.stderr);
  const exit = await fixture.signalAndWait();
  await answer;
  assert.notEqual(exit.code, 0, fixture.stderr);
  assert.ok(exit.elapsedMs < 1500 * 5, `exited after ${exit.elapsedMs} ms`);
  assert.match(fixture.stderr, /worker threads \(drain\)/);
  assert.doesNotMatch(fixture.stderr, /shutdown clean/);
});

for (const [how, env, boundMs] of [
  ['ended', { WORKER_LEAVES: '1' }, 5000],
  // A terminated thread runs no 'exit' listener of its own: its end is seen from the thread that created it.
  ['the app terminate()d', { WORKER_TERMINATE: 'before' }, 4000],
]) {
  test(`a worker thread ${how} before the stop is not waited for`, async () => {
    const fixture = await start(env);
    const exit = await fixture.signalAndWait();
    assert.equal(exit.code, 0, fixture.stderr);
    assert.match(fixture.stderr, /shutdown clean/);
    // Its step (if it was added before the worker left) ended at once, far from the step timeout.
    assert.ok(exit.elapsedMs < boundMs, `exited after ${exit.elapsedMs} ms\n${fixture.stderr}`);
  });
}

test('a worker thread terminate()d by the app during the drain: the report names it at once, not at the step timeout', async () => {
  const fixture = await start({
    WORKER_TERMINATE: 'on-sigterm',
    LASTCALL_ADOPT_SIGNAL_LISTENERS: '0',
    LASTCALL_DEADLINE_MS: '20000',
  });
  const answer = get(portOf(fixture), '/work/60000').catch((error) => error);
  assert.ok(await waitUntil(() => fixture.stdout.includes('GOT /work/60000')), fixture.stderr);
  const exit = await fixture.signalAndWait();
  await answer;
  assert.notEqual(exit.code, 0, fixture.stderr);
  assert.match(fixture.stderr, /thread \d+ exited \(the thread ended before its report\)/);
  assert.doesNotMatch(fixture.stderr, /shutdown clean/);
  // The step timeout is 10 s here (the deadline 20 s): the end was noticed, not waited out.
  assert.ok(exit.elapsedMs < 8000, `exited after ${exit.elapsedMs} ms\n${fixture.stderr}`);
});

test('a worker thread that crashes during its shutdown: the report is not clean and names it', async () => {
  const fixture = await start({ WORKER_CRASH: '1' });
  const answer = get(portOf(fixture), '/crash').catch((error) => error);
  assert.ok(await waitUntil(() => fixture.stdout.includes('GOT /crash')), fixture.stderr);
  const exit = await fixture.signalAndWait();
  await answer;
  assert.notEqual(exit.code, 0, fixture.stderr);
  // The app's own 'error' listener ran before the exit.
  assert.match(fixture.stderr, /worker error: crashed on purpose/);
  // Its report (its request was cut) or, if the crash ended the thread before it, its end.
  assert.match(
    fixture.stderr,
    /thread \d+ (failed \(http .* \(close\) failed\)|exited \(the thread ended before its report\))/,
  );
  assert.doesNotMatch(fixture.stderr, /shutdown clean/);
});

const startPool = (env = {}) =>
  startFixture('auto/worker-pool.mjs', {
    env: { NODE_OPTIONS: '--import lastcall/auto', LASTCALL_DEADLINE_MS: '20000', ...env },
    readyTimeoutMs: 30_000,
  });
const portsOf = (fixture) => /^READY (.+)$/m.exec(fixture.stdout)[1].split(' ').map(Number);

test('20 worker threads, each with a request in flight: every one is answered, and the report is clean', async () => {
  const fixture = await startPool();
  const answers = portsOf(fixture).map((port) => get(port, '/work/800'));
  assert.ok(await waitUntil(() => (fixture.stdout.match(/^GOT /gm) ?? []).length === 20, 20_000), fixture.stderr);
  const exit = await fixture.signalAndWait();
  for (const response of await Promise.all(answers)) assert.equal(response.status, 200);
  // Each worker ends right after its report: that end, seen from the main thread, must not pass for a cut.
  assert.equal(exit.code, 0, fixture.stderr);
  assert.match(fixture.stderr, /shutdown clean/);
});

test("junk on a channel with lastcall's name is ignored: the drain does not wait for a thread that never was", async () => {
  const fixture = await startPool({ WORKERS: '1', JUNK: '1' });
  const exit = await fixture.signalAndWait();
  assert.equal(exit.code, 0, fixture.stderr);
  assert.match(fixture.stderr, /shutdown clean/);
  assert.ok(exit.elapsedMs < 8000, `exited after ${exit.elapsedMs} ms\n${fixture.stderr}`);
});
