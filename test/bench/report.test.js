import assert from 'node:assert/strict';
import { test } from 'node:test';

import { effectiveCapMs, rotate } from '../../bench/harness.js';
import { median, minMax } from '../../bench/lib.js';
import {
  formatCell,
  formatNumber,
  ratioToBestPeer,
  renderDocument,
  renderScenario,
  renderTable,
} from '../../bench/report.js';

test('median and minMax ignore non-numbers', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7, 'hung (killed at 5 s)', 1, 4]), 4);
  assert.ok(Number.isNaN(median([])));
  assert.deepEqual(minMax([3, 'x', 9, 1]), { min: 1, max: 9 });
  assert.ok(Number.isNaN(minMax(['x']).min));
});

test('formatNumber picks decimals by size', () => {
  assert.equal(formatNumber(212), '212');
  assert.equal(formatNumber(212.6), '213');
  assert.equal(formatNumber(12.345), '12.3');
  assert.equal(formatNumber(1.2345), '1.23');
  assert.equal(formatNumber(44.44, 1), '44.4');
});

test('formatCell: median with range, hung runs, sets', () => {
  assert.equal(formatCell([210, 205, 230]), '210 (205–230)');
  assert.equal(formatCell([210]), '210');
  assert.equal(formatCell(['hung (killed at 5 s)', 'hung (killed at 5 s)']), 'hung (killed at 5 s)');
  assert.equal(formatCell([1000, 'hung (killed at 5 s)', 1010]), '1005 (1000–1010); hung (killed at 5 s) in 1/3 runs');
  assert.equal(formatCell([1, 1, 0], { kind: 'set' }), '0, 1');
  assert.equal(formatCell([], {}), '—');
});

test('rotate gives each library every position across rounds', () => {
  const libs = ['a', 'b', 'c'];
  assert.deepEqual(rotate(libs, 0), ['a', 'b', 'c']);
  assert.deepEqual(rotate(libs, 1), ['b', 'c', 'a']);
  assert.deepEqual(rotate(libs, 4), ['b', 'c', 'a']);
  assert.equal(effectiveCapMs({ capMs: 5000 }, false), 5000);
  assert.equal(effectiveCapMs({ capMs: 5000 }, true), 2000);
  assert.equal(effectiveCapMs({ capMs: 5000, quickCapMs: 3000 }, true), 3000);
});

test('renderTable pads columns and escapes pipes', () => {
  const t = renderTable(
    ['library', 'ms'],
    [
      ['lastcall', '212'],
      ['a|b', '1005'],
    ],
  );
  assert.equal(
    t,
    ['| library  | ms   |', '| -------- | ---- |', '| lastcall | 212  |', '| a\\|b     | 1005 |'].join('\n'),
  );
});

const scenario = {
  name: 'demo',
  title: 'Demo',
  meaning: 'What the figure means.',
  libraries: ['lastcall', 'peer-a', 'peer-b'],
  figures: {
    exitMs: { label: 'exit ms', better: 'lower' },
    code: { label: 'code', kind: 'set' },
    rps: { label: 'req/s', better: 'higher' },
  },
  capMs: 5000,
};
const ok = (exitMs, rps) => ({ figures: { exitMs, code: 1, rps } });
const hung = { figures: { exitMs: 'hung (killed at 5 s)', code: 'hung (killed at 5 s)', rps: 'hung (killed at 5 s)' } };

test('ratioToBestPeer divides by the peer with the best median, round by round, then takes the median', () => {
  const result = {
    scenario,
    capMs: 5000,
    rounds: [
      { lastcall: ok(200, 900), 'peer-a': ok(1000, 300), 'peer-b': ok(800, 450) },
      { lastcall: ok(300, 900), 'peer-a': ok(1000, 300), 'peer-b': ok(1000, 300) },
      { lastcall: ok(250, 900), 'peer-a': ok(500, 300), 'peer-b': hung },
    ],
  };
  const lower = ratioToBestPeer(result, 'exitMs');
  assert.equal(lower.ratio, 0.3); // 200/1000=0.2, 300/1000=0.3, 250/500=0.5
  assert.equal(lower.bound, false);
  assert.equal(lower.best, 'peer-a'); // medians 1000 and 1000 (hung: the cap): the first
  const higher = ratioToBestPeer(result, 'rps');
  assert.equal(higher.best, 'peer-b'); // median 375 (hung runs have no rate) against 300
  assert.equal(higher.ratio, 2.5); // 900/450=2, 900/300=3; round 3 has no rate for peer-b
  assert.equal(ratioToBestPeer(result, 'code'), undefined);
});

test('ratioToBestPeer bounds the ratio by the cap when every peer hung', () => {
  const result = { scenario, capMs: 5000, rounds: [{ lastcall: ok(1000, 1), 'peer-a': hung, 'peer-b': hung }] };
  assert.deepEqual(ratioToBestPeer(result, 'exitMs'), { ratio: 0.2, bound: true, best: 'peer-a' });
});

test('renderScenario shows hung peers, error rows and the ratio row', () => {
  const result = {
    scenario,
    capMs: 5000,
    runs: 1,
    rounds: [{ lastcall: ok(210, 900), 'peer-a': hung, 'peer-b': { error: 'fixture crashed: boom' } }],
  };
  const md = renderScenario(result);
  assert.match(md, /^## Demo \(`demo`\)/);
  assert.match(md, /What the figure means\./);
  assert.match(md, /\| lastcall +\| 210 +\| 1 +\| 900 +\|/);
  assert.match(md, /\| peer-a +\| hung \(killed at 5 s\) +\|/);
  assert.match(md, /\| peer-b +\| error \(see below\) +\| — +\| — +\|/);
  assert.match(md, /\| lastcall ÷ best peer \| ≤ 0\.04× \(peers hung: cap used\) +\| +\| — +\|/);
  assert.match(md, /- peer-b, run 1: fixture crashed: boom/);
});

test('renderDocument names the machine, the date and the command', () => {
  const result = {
    scenario,
    capMs: 5000,
    runs: 1,
    rounds: [{ lastcall: ok(210, 900), 'peer-a': ok(1000, 1), 'peer-b': ok(1000, 1) }],
  };
  const doc = renderDocument({
    results: [result],
    machine: { cpu: 'Test CPU × 2', node: 'v20.0.0', os: 'Linux 6 (x64)', memory: '4 GiB' },
    date: '2025-01-01T00:00:00Z',
    command: 'npm run bench',
  });
  assert.match(doc, /^# Benchmarks\n/);
  assert.match(doc, /_Measured by `npm run bench` on 2025-01-01T00:00:00Z, Node v20\.0\.0\._/);
  assert.match(doc, /Test CPU × 2, 4 GiB RAM, Linux 6 \(x64\)/);
  assert.match(doc, /## Demo/);
});

test('renderDocument with a previous file re-measures only its scenarios and keeps the others with their run', () => {
  const result = {
    scenario,
    capMs: 5000,
    runs: 1,
    rounds: [{ lastcall: ok(210, 900), 'peer-a': ok(1000, 1), 'peer-b': ok(1000, 1) }],
  };
  const machine = { cpu: 'CPU', node: 'v20.1.0', os: 'Linux', memory: '4 GiB' };
  const previous = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` on 2024-12-31T00:00:00Z. Do not edit by hand.',
    '',
    '## Other scenario (`other`)',
    '',
    'old figures',
    '',
    `## ${scenario.title} (\`${scenario.name}\`)`,
    '',
    'stale figures',
  ].join('\n');
  const doc = renderDocument({
    results: [result],
    machine,
    date: '2025-01-02T00:00:00Z',
    command: 'npm run bench -- --only demo',
    previous,
  });
  assert.match(
    doc,
    /## Other scenario \(`other`\)\n\nold figures\n\n_Measured by `npm run bench` on 2024-12-31T00:00:00Z\._/,
  );
  assert.doesNotMatch(doc, /stale figures/);
  assert.match(doc, /_Measured by `npm run bench -- --only demo` on 2025-01-02T00:00:00Z, Node v20\.1\.0\._/);
  assert.ok(doc.indexOf('(`other`)') < doc.indexOf(`(\`${scenario.name}\`)`), 'sections keep their order');
  const again = renderDocument({
    results: [result],
    machine,
    date: '2025-01-03T00:00:00Z',
    command: 'npm run bench',
    previous: doc,
  });
  assert.equal(again.match(/\(`other`\)/g).length, 1);
  assert.equal(
    again.match(/_Measured by `npm run bench` on 2024-12-31/g).length,
    1,
    'a kept section is attributed once',
  );
});
