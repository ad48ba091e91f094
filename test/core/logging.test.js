// What the default logger says during a long shutdown: debug lines per step start, progress lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';

import { describeOpen } from '../../build/modules/core/progress.js';
import { startFixture } from '../helpers/fixture.js';

const spec = {
  lifecycles: [
    {
      options: { deadlineMs: 10_000 },
      steps: [
        { name: 'slow', hooks: { close: 'delay:2600' } },
        { name: 'quick', hooks: { close: 'ok' } },
      ],
    },
  ],
};
const run = (env) => startFixture('core/exit-service.js', { args: [JSON.stringify(spec)], env });

test(
  'LASTCALL_DEBUG=1: one debug line per step start; a progress line names what is still open',
  { timeout: 30_000 },
  async () => {
    const fixture = await run({ LASTCALL_DEBUG: '1' });
    const exit = await fixture.signalAndWait('SIGTERM');
    assert.equal(exit.code, 0);
    assert.match(fixture.stderr, /step "slow" \(close\) started/);
    assert.match(fixture.stderr, /step "quick" \(close\) started/);
    assert.match(fixture.stderr, /still waiting after 2 s: slow \(close\)\n/);
  },
);

test('LASTCALL_DEBUG=0 means off; the progress line is not debug', { timeout: 30_000 }, async () => {
  const fixture = await run({ LASTCALL_DEBUG: '0' });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  assert.doesNotMatch(fixture.stderr, /started/);
  assert.match(fixture.stderr, /still waiting after 2 s: slow \(close\)/);
});

test('a forced shutdown names each step it skipped', { timeout: 30_000 }, async () => {
  const forced = {
    lifecycles: [
      {
        options: { deadlineMs: 10_000 },
        steps: [
          { name: 'db', hooks: { close: 'ok' } },
          { name: 'api', hooks: { close: 'hang' }, options: { dependsOn: ['db'] } },
        ],
      },
    ],
  };
  const fixture = await startFixture('core/exit-service.js', { args: [JSON.stringify(forced)] });
  fixture.child.kill('SIGTERM');
  for (let i = 0; i < 500 && !/HOOK api close/.test(fixture.stdout); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 1);
  assert.match(fixture.stderr, /step "db" \(close\) skipped: /);
});

test('a start hook gets its debug line too', async () => {
  const lines = [];
  const logger = { info: () => {}, warn: () => {}, error: () => {}, debug: (_obj, msg) => lines.push(msg) };
  const life = createLifecycle({ signals: false, exit: false, logger });
  life.add('db', { start: () => {}, close: () => {} });
  await life.start();
  await life.shutdown();
  assert.deepEqual(lines, ['step "db" (start) started', 'step "db" (close) started']);
});

test('describeOpen: a hooks object may say what it holds; a bad one is refused at add()', () => {
  const life = createLifecycle({ signals: false, exit: false, logger: false });
  life.add('queue', { close: () => {}, describeOpen: () => '3 jobs' });
  assert.throws(() => life.add('bad', { close: () => {}, describeOpen: 'x' }), {
    code: 'ERR_INVALID_RESOURCE',
    message: /"describeOpen" is not a function/,
  });
  assert.throws(() => life.add('alone', { describeOpen: () => 'x' }), {
    code: 'ERR_INVALID_RESOURCE',
    message: /no hook functions/,
  });
});

test('the progress text: running steps, what draining steps hold, tracked work; a describer never breaks it', () => {
  const step = (describeOpen, draining = true) => ({ hooks: { describeOpen }, draining });
  const steps = new Map([
    ['http', step(() => '2 requests in flight')],
    ['cache', step(undefined)],
    ['queue', step(() => '4 jobs\nqueued')],
    [
      'broken',
      step(() => {
        throw new Error('gone');
      }),
    ],
    ['quiet', step(() => undefined)],
    ['number', step(() => 3)],
    ['early', step(() => 'not draining yet', false)],
    ['long', step(() => 'x'.repeat(500))],
  ]);
  const text = describeOpen(
    [
      { name: 'http', phase: 'drain' },
      { name: 'cache', phase: 'close' },
    ],
    steps,
    3,
  );
  const parts = text.split('; ');
  assert.deepEqual(parts.slice(0, 4), [
    'http (drain): 2 requests in flight',
    'cache (close)',
    'queue: 4 jobs queued',
    'broken: describeOpen threw: gone',
  ]);
  assert.match(parts[4], /^long: x{200}…$/);
  assert.equal(parts[5], '3 tracked in flight');
  assert.equal(parts.length, 6);
  assert.equal(describeOpen([], new Map([['quiet', step(() => undefined)]]), 0), undefined);
  const many = Array.from({ length: 12 }, (_, i) => ({ name: `s${i}`, phase: 'close' }));
  assert.match(describeOpen(many, new Map(), 0), /s9 \(close\); 2 more steps$/);
});
