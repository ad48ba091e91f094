// Close order by kind when nothing declares one: server and consumer → other → client → telemetry,
// concurrent inside a tier; dependsOn always wins; telemetry keeps its slice of the deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLifecycle, InvalidOptionError } from 'lastcall';

const quiet = (options = {}) => createLifecycle({ signals: false, logger: false, ...options });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const close = (report, name) => report.steps.find((s) => s.name === name && s.phase === 'close');

/** A step that records when its close began and ended. */
function recorder(events, name, ms = 20) {
  return {
    close: async () => {
      events.push(`${name} begin`);
      await sleep(ms);
      events.push(`${name} end`);
    },
  };
}

test('without dependsOn, steps close tier by tier whatever the order of add(); concurrent inside a tier', async () => {
  const events = [];
  const life = quiet();
  // Added in the "wrong" order on purpose: telemetry and clients first, the server last.
  life.add('traces', recorder(events, 'traces'), { kind: 'telemetry' });
  life.add('db', recorder(events, 'db'), { kind: 'client' });
  life.add('cache', recorder(events, 'cache'), { kind: 'client' });
  life.add('legacy', recorder(events, 'legacy'));
  life.add('queue', recorder(events, 'queue'), { kind: 'consumer' });
  life.add('http', recorder(events, 'http'), { kind: 'server' });
  const report = await life.shutdown();
  const at = (event) => events.indexOf(event);
  for (const first of ['http', 'queue']) assert.ok(at(`${first} end`) < at('legacy begin'), events.join(', '));
  assert.ok(at('legacy end') < at('db begin') && at('legacy end') < at('cache begin'), events.join(', '));
  for (const client of ['db', 'cache']) assert.ok(at(`${client} end`) < at('traces begin'), events.join(', '));
  // Inside a tier both began before either ended.
  assert.ok(at('http begin') < at('queue end') && at('queue begin') < at('http end'), events.join(', '));
  assert.ok(at('db begin') < at('cache end') && at('cache begin') < at('db end'), events.join(', '));
  assert.equal(report.outcome, 'clean');
  assert.deepEqual(close(report, 'legacy').waitedFor.sort(), ['http', 'queue']);
  assert.deepEqual(close(report, 'db').waitedFor, ['legacy']);
  assert.deepEqual(close(report, 'traces').waitedFor.sort(), ['cache', 'db']);
  assert.deepEqual(close(report, 'http').waitedFor, []);
  assert.equal(close(report, 'queue').kind, 'consumer');
});

test('dependsOn wins over the tiers: a client forced to close before the server does, the rest keep their tier', async () => {
  const events = [];
  const life = quiet();
  life.add('http', recorder(events, 'http'), { kind: 'server' });
  // db "depends on" http: it closes before http, against its tier.
  life.add('db', recorder(events, 'db'), { kind: 'client', dependsOn: ['http'] });
  life.add('cache', recorder(events, 'cache'), { kind: 'client' });
  const report = await life.shutdown();
  const at = (event) => events.indexOf(event);
  assert.ok(at('db end') < at('http begin'), events.join(', '));
  assert.ok(at('http end') < at('cache begin'), events.join(', '));
  assert.deepEqual(close(report, 'http').waitedFor, ['db']);
  assert.deepEqual(close(report, 'db').waitedFor, []);
  assert.deepEqual(close(report, 'cache').waitedFor, ['http']);
});

test('a dependsOn chain against the tiers never deadlocks: tier edges that would close a cycle are left out', async () => {
  const events = [];
  const life = quiet({ deadlineMs: 5000 });
  life.add('x', recorder(events, 'x'), { kind: 'server' });
  life.add('y', recorder(events, 'y'), { kind: 'client' });
  // z (telemetry) closes before x by dependsOn; by tier x < y < z: y → z is the edge left out.
  life.add('z', recorder(events, 'z'), { kind: 'telemetry', dependsOn: ['x'] });
  const report = await life.shutdown();
  assert.equal(report.outcome, 'clean', JSON.stringify(report.steps));
  const at = (event) => events.indexOf(event);
  assert.ok(at('z end') < at('x begin') && at('x end') < at('y begin'), events.join(', '));
  assert.deepEqual(close(report, 'x').waitedFor, ['z']);
  assert.deepEqual(close(report, 'y').waitedFor, ['x']);
  assert.deepEqual(close(report, 'z').waitedFor, []);
});

test('telemetry keeps its reserved slice: a hung client is cut before it, the flush still runs and ends ok', async () => {
  const life = quiet({ deadlineMs: 1500, telemetryReserveMs: 500, stepTimeoutMs: 0 });
  let flushed = false;
  life.add('db', { close: () => new Promise(() => {}) }, { kind: 'client' });
  life.add('traces', { close: async () => (await sleep(200), (flushed = true)) }, { kind: 'telemetry' });
  const report = await life.shutdown();
  assert.equal(close(report, 'db').status, 'timed-out');
  assert.equal(close(report, 'traces').status, 'ok');
  assert.equal(flushed, true);
  // db was cut at the start of the reserve, so traces began with its 500 ms ahead (guard: well before the deadline).
  assert.ok(close(report, 'traces').startMs < 1500 - 300, JSON.stringify(close(report, 'traces')));
});

test('without the reserve, the same hung client eats the deadline and the telemetry step is starved', async () => {
  // The control for the test above: with telemetryReserveMs 0 the flush gets no time.
  const life = quiet({ deadlineMs: 1500, telemetryReserveMs: 0, stepTimeoutMs: 0 });
  life.add('db', { close: () => new Promise(() => {}) }, { kind: 'client' });
  life.add('traces', { close: () => sleep(200) }, { kind: 'telemetry' });
  const report = await life.shutdown();
  assert.notEqual(close(report, 'traces').status, 'ok');
});

test('telemetryReserveMs is validated', () => {
  for (const bad of [-1, '2s', Infinity, NaN]) {
    assert.throws(
      () => quiet({ telemetryReserveMs: bad }),
      (error) => error instanceof InvalidOptionError && error.option === 'telemetryReserveMs',
    );
  }
});
