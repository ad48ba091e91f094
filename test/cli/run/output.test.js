// The runner's own stdout/stderr under attack: a reader that goes away (`| head -1`) and a socket
// nobody reads. Neither may keep the runner (or its child) alive.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import test from 'node:test';

import { CLI, fixture, NODE } from '../../helpers/run.js';

async function shell(script) {
  const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  const [code] = await once(child, 'close');
  return { code, stdout, stderr };
}

test('`run --ready log: … | head -1` ends as without --ready: the child dies of SIGPIPE, exit 141', async () => {
  for (const ready of ['--ready log:y', '--ready log:nothing-matches', '']) {
    // timeout(1) is the guard: before the fix the first pipeline never ended.
    const r = await shell(`timeout 20 ${NODE} ${CLI} run ${ready} -- yes | head -1; echo "rc=\${PIPESTATUS[0]}"`);
    assert.equal(r.stdout, 'y\nrc=141\n', `${ready}: ${r.stderr}`);
  }
  // A child that ignores SIGPIPE gets the error on its next write instead, and ends on its own.
  const ignoring = await shell(
    `timeout 20 ${NODE} ${CLI} run --ready log:y -- sh -c 'trap "" PIPE; exec yes' | head -1; echo "rc=\${PIPESTATUS[0]}"`,
  );
  assert.match(ignoring.stdout, /^y\nrc=1\n$/, ignoring.stderr);
});

// --json: the report is written after the stop; a child ignoring SIGTERM: the stop line is.
for (const json of [true, false]) {
  test(`the runner exits within its deadline when its stdout/stderr is a socket nobody reads${json ? ' (--json)' : ' (SIGKILL, stop line)'}`, async () => {
    const child = json ? ['yes'] : ['sh', '-c', 'trap "" TERM; exec yes'];
    const args = [
      'python3',
      fixture('unread-socket.py'),
      NODE,
      CLI,
      'run',
      '--deadline',
      '2s',
      ...(json ? ['--json'] : []),
      '--',
      ...child,
    ];
    const parent = spawn(args[0], args.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    parent.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    const closed = once(parent, 'close');
    while (!/FULL (\d+)/.test(out)) await Promise.race([once(parent.stdout, 'data'), closed]);
    const runner = Number(/FULL (\d+)/.exec(out)[1]);
    process.kill(runner, 'SIGTERM');
    parent.stdin.end('go\n');
    await closed;
    const m = /EXIT (\d+) (\d+)/.exec(out);
    assert.ok(m, `the runner did not exit: ${out}`);
    if (json) assert.equal(Number(m[1]), 143, 'the child stopped by SIGTERM, its code passed through');
    assert.ok(Number(m[2]) < 2000 + 3000, `gone ${m[2]} ms after SIGTERM (deadline 2 s + a generous guard)`);
  });
}
