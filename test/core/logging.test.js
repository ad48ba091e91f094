// What the default logger says during a long shutdown: debug lines per step start, progress lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFixture } from '../helpers/fixture.js';

const spec = { lifecycles: [{ options: { deadlineMs: 10_000 }, steps: [{ name: 'slow', hooks: { close: 'delay:2600' } }, { name: 'quick', hooks: { close: 'ok' } }] }] };
const run = (env) => startFixture('core/exit-service.js', { args: [JSON.stringify(spec)], env });

test('LASTCALL_DEBUG=1: one debug line per step start; a progress line names what is still open', { timeout: 30_000 }, async () => {
  const fixture = await run({ LASTCALL_DEBUG: '1' });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  assert.match(fixture.stderr, /step "slow" \(close\) started/);
  assert.match(fixture.stderr, /step "quick" \(close\) started/);
  assert.match(fixture.stderr, /still waiting after 2 s: slow \(close\)\n/);
});

test('LASTCALL_DEBUG=0 means off; the progress line is not debug', { timeout: 30_000 }, async () => {
  const fixture = await run({ LASTCALL_DEBUG: '0' });
  const exit = await fixture.signalAndWait('SIGTERM');
  assert.equal(exit.code, 0);
  assert.doesNotMatch(fixture.stderr, /started/);
  assert.match(fixture.stderr, /still waiting after 2 s: slow \(close\)/);
});
