// End to end: the real harness on the real `hung` scenario (needs dist/: npm test builds first).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function runBench(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/run.js', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench ${args} timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const mtime = async (file) => (await stat(file).catch(() => undefined))?.mtimeMs;

test('an unknown flag exits 2 with usage', async () => {
  const r = await runBench(['--fast'], 10_000);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown option '--fast'/);
  assert.match(r.stderr, /Usage: npm run bench/);
});

test('an unknown scenario exits 2 naming the available ones', async () => {
  const r = await runBench(['--only', 'nope'], 10_000);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown scenario "nope"; available: .*hung/);
});

test('--quick --only hung --no-write runs every library and prints the table', async () => {
  const benchmarks = new URL('../../BENCHMARKS.md', import.meta.url);
  const before = await mtime(benchmarks);
  const r = await runBench(['--quick', '--only', 'hung', '--no-write'], 60_000);
  assert.equal(r.code, 0, r.stderr);
  for (const lib of ['lastcall', 'close-with-grace', 'lightship', 'terminus', 'plain']) {
    assert.match(r.stdout, new RegExp(`^\\| ${lib} +\\| `, 'm'));
  }
  assert.match(r.stdout, /^\| lastcall +\| \d+(\.\d+)? +\| 1 +\|/m, 'lastcall exits with a figure and code 1');
  assert.match(r.stdout, /^\| lastcall ÷ best peer \| /m);
  assert.doesNotMatch(r.stdout, /error \(see below\)/);
  assert.equal(await mtime(benchmarks), before, 'BENCHMARKS.md must not be written');
});
