// Item: a PID file from another PID namespace (a container restarted on the same volume), in real
// namespaces made with `unshare --pid --fork --mount-proc` (needs root; skipped with the reason otherwise).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { acquirePidFile } from 'lastcall/pidfile';

import { startProcess, startReady, tempDir } from '../helpers/pidfile.js';

const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];
/** A new PID namespace with its own host name (a container of its own: --uts). */
const container = (name) => [...UNSHARE, '--uts', 'sh', '-c', `hostname ${name} && exec "$0" "$@"`];
const probe = spawnSync(UNSHARE[0], [...UNSHARE.slice(1), 'true'], { encoding: 'utf8' });
const skip =
  probe.status === 0 ? false : `cannot create PID namespaces here: ${probe.stderr.trim() || probe.error?.message}`;
const inInitialNamespace = readlinkSync('/proc/self/ns/pid') === 'pid:[4026531836]';

/** A holder as PID 1 of a fresh namespace (like a container's main process); crash() SIGKILLs it. */
async function holderInNamespace(file) {
  const holder = await startReady('holder.js', [file], { wrapper: UNSHARE });
  assert.equal(holder.lines[0], 'READY 1', 'PID 1 of its namespace');
  const inner = Number(readFileSync(`/proc/${holder.pid}/task/${holder.pid}/children`, 'utf8').trim());
  // unshare exits once it has reaped its child: after that the namespace has no process left.
  holder.inner = inner;
  holder.crash = () => (process.kill(inner, 'SIGKILL'), holder.exited);
  return holder;
}

test(
  'a holder in a live nested namespace is checked exactly; a sibling container cannot check it, so it is held',
  { skip },
  async (t) => {
    const file = path.join(tempDir(t), 'app.pid');
    const holder = await holderInNamespace(file);
    t.after(() => holder.kill());
    await assert.rejects(acquirePidFile(file), (error) => {
      // The PID as seen from here (the file says 1, its PID inside its namespace): the one to `kill` here.
      assert.deepEqual([error.code, error.pid, error.reason], ['ERR_PIDFILE_HELD', holder.inner, 'alive']);
      assert.ok(error.runningForMs >= 0 && error.runningForMs < 60_000);
      return true;
    });
    const sibling = startProcess('check.js', [file], { wrapper: container('web-b') });
    const result = JSON.parse(await sibling.waitForLine(/^\{/));
    assert.deepEqual([result.won, result.code, result.reason], [false, 'ERR_PIDFILE_HELD', 'other-pid-namespace']);
    assert.equal(readFileSync(file, 'utf8'), '1\n');
  },
);

test(
  'a restarted container takes over the file its previous namespace left; a newer file stays held',
  { skip },
  async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'app.pid');
    // A container started before the file was written: its namespace is older than the file.
    const early = await startReady('racer.js', [file], { wrapper: UNSHARE });
    t.after(() => early.kill());
    const holder = await holderInNamespace(file);
    await holder.crash(); // the container crashes: its namespace ends, its file stays
    early.send('go');
    assert.equal(
      await early.waitForLine(/^(WON|HELD|ERR)/),
      'HELD 1',
      'written after our namespace began: cannot be judged, held',
    );

    // The old container ran a while before it crashed (the rule needs the file to predate our namespace
    // by more than the 1 s resolution of the boot time, so this backdates it instead of sleeping).
    const written = new Date(Date.now() - 60_000);
    utimesSync(file, written, written);
    const restarted = startProcess('check.js', [file], { wrapper: UNSHARE });
    const result = JSON.parse(await restarted.waitForLine(/^\{/));
    assert.deepEqual([result.won, result.pid], [true, 1], result.message);
  },
);

test(
  'seen from the initial namespace, a file whose namespace is gone is stale',
  { skip: skip || (!inInitialNamespace && 'not in the initial PID namespace') },
  async (t) => {
    const file = path.join(tempDir(t), 'app.pid');
    const holder = await holderInNamespace(file);
    await holder.crash();
    const handle = await acquirePidFile(file); // no backdating: the namespace is provably gone
    assert.equal(readFileSync(file, 'utf8'), `${process.pid}\n`);
    await handle.release();
  },
);
