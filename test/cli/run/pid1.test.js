// Behaviour 4, measured: a child orphaning 100 short-lived grandchildren inside a PID namespace.
// lastcall as PID 1 cannot reap them (Node has no waitpid(-1)): it warns once, and the README's
// Dockerfile entrypoint (/bin/sh as PID 1 in front of lastcall) leaves none.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import { CLI, fixture, NODE, startRun } from '../../helpers/run.js';
import { recipeArray } from '../../helpers/run-recipes.js';

const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc'];
const canUnshare = spawnSync(UNSHARE[0], [...UNSHARE.slice(1), 'true']).status === 0;
const skip = !canUnshare && 'unshare --pid needs root or user namespaces (util-linux)';
const lastcall = (argv) => argv.flatMap((a) => (a === 'lastcall' ? [NODE, CLI] : [a]));

const entrypoint = () => lastcall(recipeArray('ENTRYPOINT', '**Dockerfile**'));

test('lastcall as PID 1: one warning with the fix; the orphans stay zombies (measured)', { skip }, async () => {
  const run = startRun(['--', fixture('orphans.sh'), '100'], { prefix: UNSHARE });
  const exit = await run.exited;
  assert.equal(exit.code, 0, run.stderr);
  const warnings = run.stderr.split('\n').filter((l) => l.includes('running as PID 1'));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /--init/);
  assert.match(warnings[0], /"tini", "-s"/);
  const zombies = Number(/ZOMBIES (\d+)/.exec(run.stdout)?.[1]);
  assert.ok(zombies > 0, `as documented, Node as PID 1 does not reap (${zombies} zombies)`);
});

test("the README's Dockerfile entrypoint (/bin/sh as PID 1): 0 zombies, no warning", { skip }, async () => {
  const entry = entrypoint();
  assert.equal(entry[0], '/bin/sh');
  const r = spawnSync(UNSHARE[0], [...UNSHARE.slice(1), ...entry, fixture('orphans.sh'), '100'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ZOMBIES 0\b/);
  assert.doesNotMatch(r.stderr, /PID 1/);
});

test(
  "the Dockerfile entrypoint passes SIGTERM to lastcall once, and the child's code comes back",
  { skip },
  async () => {
    const run = startRun([...UNSHARE, ...entrypoint(), NODE, fixture('signals.js')], { raw: true });
    // The namespace's PID 1 is unshare's only child.
    await run.waitFor(/READY/);
    const pid1 = Number(readFileSync(`/proc/${run.pid}/task/${run.pid}/children`, 'utf8').trim().split(' ')[0]);
    process.kill(pid1, 'SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 0, run.stderr);
    assert.equal((run.stdout.match(/GOT SIGTERM/g) ?? []).length, 1);
  },
);
