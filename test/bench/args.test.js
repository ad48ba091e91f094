import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseBenchArgs, UsageError } from '../../bench/args.js';
import { validateScenario } from '../../bench/scenarios-loader.js';

test('defaults: 5 runs, all scenarios, writes BENCHMARKS.md', () => {
  assert.deepEqual(parseBenchArgs([]), { quick: false, runs: 5, only: undefined, write: true, help: false });
});

test('--quick: one run, never writes', () => {
  assert.deepEqual(parseBenchArgs(['--quick']), { quick: true, runs: 1, only: undefined, write: false, help: false });
});

test('--runs, --only, --no-write', () => {
  const o = parseBenchArgs(['--runs', '3', '--only', 'hung, blocked', '--no-write']);
  assert.equal(o.runs, 3);
  assert.deepEqual(o.only, ['hung', 'blocked']);
  assert.equal(o.write, false);
  assert.equal(parseBenchArgs(['--runs=7']).runs, 7);
});

test('bad usage throws UsageError', () => {
  assert.throws(() => parseBenchArgs(['--fast']), UsageError);
  assert.throws(() => parseBenchArgs(['extra']), UsageError);
  assert.throws(() => parseBenchArgs(['--runs', '0']), /Expected "--runs" to be a positive integer, got "0"/);
  assert.throws(() => parseBenchArgs(['--runs', '2.5']), UsageError);
  assert.throws(() => parseBenchArgs(['--only', ',']), UsageError);
});

test('validateScenario names the file and the problem', () => {
  const good = {
    name: 'x',
    title: 'X',
    meaning: 'm',
    libraries: ['lastcall'],
    capMs: 1000,
    figures: { ms: { label: 'ms', better: 'lower' } },
    run: async () => ({ ms: 1 }),
  };
  validateScenario(good, 'x');
  assert.throws(() => validateScenario(good, 'y'), /bench\/scenarios\/y\.js: scenario\.name must be "y"/);
  assert.throws(() => validateScenario({ ...good, capMs: undefined }, 'x'), /capMs is required/);
  assert.throws(() => validateScenario({ ...good, figures: { ms: { label: 'ms', better: 'less' } } }, 'x'), /better/);
  assert.throws(() => validateScenario({ ...good, libraries: [] }, 'x'), /libraries/);
  assert.throws(() => validateScenario(undefined, 'x'), /must export `scenario`/);
});
