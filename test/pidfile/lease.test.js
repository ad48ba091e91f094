// Item: the lease. A holder refreshes its file's mtime; another PID namespace that cannot check the
// holder treats a file whose lease ran out as stale. Real namespaces made with `unshare` (root).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { acquirePidFile } from 'lastcall/pidfile';

import { startProcess, startReady, tempDir } from '../helpers/pidfile.js';

const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];
/** A new PID namespace with its own host name: another container (a recreated one gets a new name). */
const container = (name) => [...UNSHARE, '--uts', 'sh', '-c', `hostname ${name} && exec "$0" "$@"`];
const probe = spawnSync(UNSHARE[0], [...UNSHARE.slice(1), 'true'], { encoding: 'utf8' });
const skip =
  probe.status === 0 ? false : `cannot create PID namespaces here: ${probe.stderr.trim() || probe.error?.message}`;

/** One acquisition from a sibling container (it cannot see the holder's namespace). */
async function checkFrom(name, file) {
  const checker = startProcess('check.js', [file], { wrapper: container(name) });
  const line = await checker.waitForLine(/^\{/);
  await checker.exited; // a winner releases before it exits
  return JSON.parse(line);
}

function backdate(file, ms) {
  const then = new Date(Date.now() - ms);
  utimesSync(file, then, then);
  return then.getTime();
}

/** Polls (a guard of 15 s, never a fixed sleep) until the file's mtime moves past `than`. */
async function waitForMtimeAfter(file, than) {
  const startedAt = Date.now();
  while (statSync(file).mtimeMs <= than) {
    if (Date.now() - startedAt > 15_000) assert.fail('the holder never refreshed its lease');
    await sleep(20);
  }
}

test(
  'a recreated container takes over the file of a crashed one once its lease ran out; a file without a lease stays held',
  { skip },
  async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'app.pid');
    const holder = await startReady('holder.js', [file], { wrapper: container('web-a') });
    t.after(() => holder.kill());
    assert.equal(holder.lines[0], 'READY 1', 'PID 1 of its namespace');
    const inner = Number(readFileSync(`/proc/${holder.pid}/task/${holder.pid}/children`, 'utf8').trim());
    const identity = readdirSync(dir).find((name) => name.startsWith('.app.pid.lastcall.'));
    assert.match(identity, /,lease=5000,/, 'the identity declares the default lease');
    // The kernel recycles a freed namespace's number: a later container could get the same one and be
    // judged by the same-namespace rule. Holding the namespace open keeps its number (not its processes).
    const pinned = openSync(`/proc/${inner}/ns/pid`, 'r');
    t.after(() => closeSync(pinned));
    process.kill(inner, 'SIGKILL'); // the container crashes; its namespace ends, its file stays
    await holder.exited;

    // Fresh lease: from a sibling container the old one might still be running.
    const fresh = await checkFrom('web-b', file);
    assert.deepEqual([fresh.won, fresh.code, fresh.reason], [false, 'ERR_PIDFILE_HELD', 'other-pid-namespace']);

    // Written by a holder that never refreshes (no lease in its identity): held however old.
    const withoutLease = identity.replace(/,lease=\d+/, '');
    renameSync(path.join(dir, identity), path.join(dir, withoutLease));
    backdate(file, 60_000);
    const old = await checkFrom('web-b', file);
    assert.deepEqual([old.won, old.code, old.reason], [false, 'ERR_PIDFILE_HELD', 'other-pid-namespace']);

    // The same file with its lease, unrefreshed for 60 s (> 4 x 5 s): stale, and the new holder says why.
    renameSync(path.join(dir, withoutLease), path.join(dir, identity));
    backdate(file, 60_000);
    const result = await checkFrom('web-b', file);
    assert.deepEqual(
      [result.won, result.pid, result.takeover],
      [true, 1, { pid: 1, reason: 'lease-expired' }],
      result.message,
    );
    assert.equal(existsSync(file), false, 'the new holder released it');
    assert.deepEqual(readdirSync(dir), [], "the crashed holder's identity link went with its file");
  },
);

test(
  'a live holder in another namespace refreshes its lease, so it stays held however old its file was',
  { skip },
  async (t) => {
    const file = path.join(tempDir(t), 'app.pid');
    const holder = await startReady('holder.js', [file, 'pidfile', 'hold', '1000'], { wrapper: container('web-a') });
    t.after(() => holder.kill());
    await waitForMtimeAfter(file, backdate(file, 60_000)); // 60 s without a refresh: expired, until it refreshes
    const result = await checkFrom('web-b', file);
    assert.deepEqual([result.won, result.code, result.reason], [false, 'ERR_PIDFILE_HELD', 'other-pid-namespace']);
    assert.equal(readFileSync(file, 'utf8'), '1\n');
  },
);

test('the lease timer never keeps the process alive, and stops at release', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const holder = startProcess('lease.js', [file, '100']);
  assert.equal(await holder.waitForLine(/REFRESHED$/, 20_000), 'REFRESHED');
  // Nothing but the lease timer is left: the process ends by itself (a generous guard, not a figure).
  const guard = sleep(20_000, { code: 'still running 20 s later' }, { ref: false });
  const { code } = await Promise.race([holder.exited, guard]);
  assert.deepEqual([code, holder.lines.at(-1)], [0, 'EXIT']);
  assert.equal(existsSync(file), false, 'and its exit handler removed the file');

  const handle = await acquirePidFile(file, { leaseMs: 100 });
  assert.equal(handle.refreshing, true);
  await handle.release();
  assert.equal(handle.refreshing, false);
});
