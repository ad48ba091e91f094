// --pidfile: held for the runner's whole life, refused with a distinct code naming the holder,
// removed on exit; 20 concurrent starts: exactly one runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import test from 'node:test';

import { fixture, NODE, runToEnd, startRun, tempDir } from '../../helpers/run.js';

test('held for the whole run (across restarts), removed on exit', async (t) => {
  const file = path.join(tempDir(t), 'svc.pid');
  const run = startRun(['--pidfile', file, '--', NODE, fixture('signals.js')]);
  await run.waitFor(/READY/);
  assert.equal(Number(readFileSync(file, 'utf8').split('\n')[0]), run.pid, 'the runner, not the child, holds it');
  const second = await runToEnd(['--pidfile', file, '--', 'true']);
  assert.equal(second.code, 75);
  assert.equal(second.stderr.trim().split('\n').length, 1);
  assert.match(second.stderr, new RegExp(`held by process ${run.pid}`));
  // The hint names the CLI's flag, not the library's option.
  assert.match(second.stderr, /pass --pidfile-wait <duration> to wait for it/);
  assert.doesNotMatch(second.stderr, /waitMs/);
  run.signal('SIGTERM');
  await run.exited;
  assert.equal(existsSync(file), false);
});

test('--pidfile-wait: a second runner waits for the holder to stop, then runs', async (t) => {
  const file = path.join(tempDir(t), 'svc.pid');
  const first = startRun(['--pidfile', file, '--', NODE, fixture('signals.js')]);
  await first.waitFor(/READY/);
  const second = startRun(['--pidfile', file, '--pidfile-wait', '30s', '--', 'sh', '-c', 'echo SECOND-RAN']);
  // Still waiting while the first holds it: no refusal line, nothing ran.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.doesNotMatch(second.stderr, /held by/);
  first.signal('SIGTERM');
  await first.exited;
  const exit = await second.exited;
  assert.equal(exit.code, 0, second.stderr);
  assert.match(second.stdout, /SECOND-RAN/);
  const refused = await runToEnd(['--pidfile-wait', 'soon', '--', 'true']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--pidfile-wait/);
});

test('a stale PID file is taken over, and the runner says whose it was and why', async (t) => {
  const file = path.join(tempDir(t), 'svc.pid');
  const dead = spawnSync('true').pid; // exited and reaped: nothing runs under that PID now
  writeFileSync(file, `${dead}\n`);
  const r = await runToEnd(['--pidfile', file, '--', 'true']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`took over .*svc\\.pid: its holder \\(PID ${dead}\\) was stale \\(dead\\)`));
  assert.equal(existsSync(file), false);
});

test('a file from an earlier boot naming a PID alive now (someone else): taken over, and the line says why', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'svc.pid');
  // After a reboot the PID in the file may belong to an unrelated live process: this one.
  const other = startRun(['--', NODE, fixture('signals.js')]);
  await other.waitFor(/READY/);
  t.after(() => other.signal('SIGKILL'));
  const line = `lastcall kind=pidfile start=12 boot=ed3055d1-0000-4000-8000-000000000000 host=${hostname()} nonce=feedfacefeedface`;
  writeFileSync(file, `${other.pid}\n${line}\n`);
  const r = await runToEnd(['--pidfile', file, '--', 'true']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `its holder \\(PID ${other.pid}\\) was stale \\(rebooted\\): it was written in an earlier boot of this machine`,
    ),
  );
  // Another host's file is held: the message says what would free it.
  writeFileSync(
    file,
    `${other.pid}\nlastcall kind=pidfile boot=another-boot host=elsewhere lease=5000 nonce=feedfacefeedface\n`,
  );
  const held = await runToEnd(['--pidfile', file, '--', 'true']);
  assert.equal(held.code, 75);
  assert.match(held.stderr, /on host "elsewhere".*taken over once its holder stops refreshing it.*delete the file/);
});

test('a PID file that cannot be created: one line, exit 73', async (t) => {
  const r = await runToEnd(['--pidfile', path.join(tempDir(t), 'missing-dir', 'x.pid'), '--', 'true']);
  assert.equal(r.code, 73);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /does not exist/);
});

test('removed when the child exits on its own, and after a failed spawn', async (t) => {
  const file = path.join(tempDir(t), 'svc.pid');
  assert.equal((await runToEnd(['--pidfile', file, '--', 'sh', '-c', 'exit 4'])).code, 4);
  assert.equal(existsSync(file), false);
  assert.equal((await runToEnd(['--pidfile', file, '--', '/nonexistent/cmd'])).code, 127);
  assert.equal(existsSync(file), false);
});

test('20 concurrent `lastcall run --pidfile`: exactly one runs, 19 exit 75 naming it', async (t) => {
  const file = path.join(tempDir(t), 'race.pid');
  const runs = Array.from({ length: 20 }, () => startRun(['--pidfile', file, '--', NODE, fixture('signals.js')]));
  const refused = [];
  const winners = [];
  await Promise.all(
    runs.map(async (run) => {
      const outcome = await Promise.race([
        run.waitFor(/READY/, 60_000).then(() => 'ran'),
        run.exited.then(() => 'exited'),
      ]);
      (outcome === 'ran' ? winners : refused).push(run);
    }),
  );
  assert.equal(winners.length, 1, `winners: ${winners.length}`);
  const [winner] = winners;
  for (const run of refused) {
    const exit = await run.exited;
    assert.equal(exit.code, 75, run.stderr);
    assert.match(run.stderr, new RegExp(`held by process ${winner.pid}\\b`));
  }
  winner.signal('SIGTERM');
  await winner.exited;
  assert.equal(existsSync(file), false);
});
