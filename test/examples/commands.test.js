// The commands README gives for the incidents: `npm run demo` and `npm run incidents`, each limited to
// incident 5 (the quickest) to stay short. Both print the same figures runIncident() returns.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { doctorAvailable, runDoctorIfAvailable } from '../../examples/doctor-hook.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function runNode(script, args, env = {}) {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'close');
  return { code, stdout, stderr };
}

test('npm run demo -- 5: one incident, without and with lastcall, in the newcomer table', async () => {
  const { code, stdout, stderr } = await runNode('examples/demo.js', ['5']);
  assert.equal(code, 0, stderr);
  const rows = stdout.split('\n').filter((line) => / \| with(out)? +\| /.test(line));
  assert.equal(rows.length, 2, stdout);
  assert.match(rows[0], /^5\. CLI wedged on a full pipe +\| without +\| closing the CLI took \d\.\d\d s \(SIGKILL\)/);
  assert.match(rows[0], /1 orphan process/);
  assert.match(rows[1], /\| with +\| closing the CLI took \d\.\d\d s \(it exited\) +\| \d\.\d s, exit 0 +\| nothing$/);
  assert.match(stdout, /In production:\n {2}5\. closing the CLI transport took 10 s/);
  assert.match(
    stdout,
    /\nThe demo took \d+ s: 2 runs \d+ s \(each waits for a real exit or the 3 s SIGKILL\); `npm run demo` built the package before that\.\n$/,
  );
});

test("INCIDENTS_DEBUG=1 npm run incidents -- 5: every column of the side-by-side table, and the services' stderr", async () => {
  const { code, stdout, stderr } = await runNode('examples/incidents/run.js', ['5'], { INCIDENTS_DEBUG: '1' });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /--- \S+5-cli-transport\/fixed\.js\nlastcall: shutting down \(SIGTERM\)/);
  const lines = stdout.split('\n');
  const header = lines.find((line) => line.startsWith('incident '));
  assert.deepEqual(
    header.split('|').map((cell) => cell.trim()),
    ['incident', 'variant', 'what happened', 'exit', 'work lost', 'orphans', 'files left'],
  );
  const rows = lines.filter((line) => line.startsWith('5-cli-transport '));
  assert.equal(rows.length, 2, stdout);
  assert.deepEqual(
    rows[0]
      .split('|')
      .map((cell) => cell.trim())
      .slice(4),
    ['transcript', '1', 'none'],
  );
  assert.deepEqual(
    rows[1]
      .split('|')
      .map((cell) => cell.trim())
      .slice(4),
    ['none', '0', 'none'],
  );
});

test(
  'demo doctor hook: audits incident 2 broken and fixed, writes both HTML timelines',
  { skip: !(await doctorAvailable()) && 'lastcall doctor is not built yet: the hook prints nothing until it is' },
  async () => {
    const printed = [];
    await runDoctorIfAvailable((line) => printed.push(line));
    const paths = printed.join('\n').match(/\S+\.html/g) ?? [];
    assert.equal(paths.length, 2, printed.join('\n'));
    for (const html of paths) assert.ok(existsSync(html), html);
  },
);
