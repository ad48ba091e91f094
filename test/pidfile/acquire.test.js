import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { acquireLock, acquirePidFile } from 'lastcall/pidfile';

import { startReady, tempDir } from '../helpers/pidfile.js';

test("the file holds only the PID; its identity is a hard link's name; mode 0644 whatever the umask", async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const previous = process.umask(0o077);
  let handle;
  try {
    handle = await acquirePidFile(file);
  } finally {
    process.umask(previous);
  }
  assert.equal(readFileSync(file, 'utf8'), `${process.pid}\n`, 'so `kill $(cat file)` works');
  const [identity, ...others] = readdirSync(path.dirname(file)).filter((name) => name !== 'app.pid');
  assert.deepEqual(others, []);
  assert.match(
    identity,
    new RegExp(
      `^\\.app\\.pid\\.lastcall\\.pid=${process.pid},kind=pidfile,start=\\d+,boot=[0-9a-f-]+,pidns=\\d+,host=[^,]+,since=\\d+,cmd=[^,]+,lease=5000,nonce=[0-9a-f]{16}$`,
    ),
  );
  assert.equal(
    statSync(path.join(path.dirname(file), identity)).ino,
    statSync(file).ino,
    'a second name of the same inode',
  );
  assert.equal(statSync(file).nlink, 2);
  assert.equal(statSync(file).mode & 0o777, 0o644);
  const kill = spawnSync('sh', ['-c', `kill -0 $(cat ${file})`], { encoding: 'utf8' });
  assert.deepEqual([kill.status, kill.stderr], [0, '']);
  assert.equal(handle.path, file);
  assert.equal(handle.pid, process.pid);
  await handle.release();
  assert.equal(existsSync(file), false);
  assert.deepEqual(readdirSync(path.dirname(file)), [], 'no temp or claim files left behind');
});

test('a live holder makes acquisition fail with ERR_PIDFILE_HELD naming its PID and age', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const holder = await startReady('holder.js', [file]);
  t.after(() => holder.kill());
  await assert.rejects(acquirePidFile(file), (error) => {
    assert.equal(error.code, 'ERR_PIDFILE_HELD');
    assert.equal(error.pid, holder.pid);
    assert.equal(error.path, file);
    assert.equal(error.reason, 'alive');
    assert.ok(error.runningForMs >= 0 && error.runningForMs < 60_000, `runningForMs ${error.runningForMs}`);
    assert.match(error.message, new RegExp(`held by process ${holder.pid} \\(running for`));
    return true;
  });
  assert.equal(readFileSync(file, 'utf8').split('\n')[0], String(holder.pid), 'the holder keeps its file');
});

test('waitMs polls until the holder is gone; an abort signal ends the wait', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const holder = await startReady('holder.js', [file]);
  t.after(() => holder.kill());
  const controller = new AbortController();
  const aborted = acquirePidFile(file, { waitMs: 30_000, signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(aborted, { code: 'ERR_ABORTED' });

  const waiting = acquirePidFile(file, { waitMs: 30_000 });
  await holder.kill('SIGKILL');
  const handle = await waiting;
  assert.equal(readFileSync(file, 'utf8').split('\n')[0], String(process.pid));
  await handle.release();
  const again = await acquirePidFile(file, { waitMs: 50 });
  await assert.rejects(acquirePidFile(file, { waitMs: 50 }), { code: 'ERR_PIDFILE_HELD', pid: process.pid });
  await again.release();
});

test('release is idempotent and removes the exit listener; asyncDispose releases', async (t) => {
  const file = path.join(tempDir(t), 'app.lock');
  const before = process.listenerCount('exit');
  const handle = await acquireLock(file);
  assert.equal(process.listenerCount('exit'), before + 1);
  const first = handle.release();
  assert.equal(handle.release(), first, 'later callers get the same promise');
  await first;
  assert.equal(handle.released, true);
  assert.equal(handle.removed, true);
  assert.equal(process.listenerCount('exit'), before);
  // Node 20 has no `await using` syntax; this is what it desugars to.
  const held = await acquireLock(file);
  assert.equal(typeof held[Symbol.asyncDispose], 'function');
  await held[Symbol.asyncDispose]();
  assert.equal(existsSync(file), false);
});

test('a process that exits without release() removes its file in the exit handler', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const proc = await startReady('holder.js', [file, 'pidfile', 'exit-normally']);
  assert.deepEqual(await proc.exited, { code: 0, signal: null });
  assert.equal(existsSync(file), false);
});

test('a symlink at the path is refused and its target left untouched', async (t) => {
  const dir = tempDir(t);
  const target = path.join(dir, 'victim');
  writeFileSync(target, 'precious\n');
  const file = path.join(dir, 'app.pid');
  symlinkSync(target, file);
  await assert.rejects(acquirePidFile(file), { code: 'ERR_PIDFILE_NOT_A_FILE', found: 'symlink', path: file });
  symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.pid'));
  await assert.rejects(acquirePidFile(path.join(dir, 'dangling.pid')), {
    code: 'ERR_PIDFILE_NOT_A_FILE',
    found: 'symlink',
  });
  assert.equal(readFileSync(target, 'utf8'), 'precious\n');
  assert.equal(existsSync(path.join(dir, 'nowhere')), false, 'a dangling link is not followed to create its target');
  assert.ok(lstatSync(file).isSymbolicLink());
});

test('a directory at the path, a missing directory and createDirectory', async (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'taken.pid'));
  await assert.rejects(acquirePidFile(path.join(dir, 'taken.pid')), {
    code: 'ERR_PIDFILE_NOT_A_FILE',
    found: 'directory',
  });
  const nested = path.join(dir, 'run', 'app', 'app.pid');
  await assert.rejects(acquirePidFile(nested), (error) => {
    assert.equal(error.code, 'ERR_PIDFILE_DIRECTORY');
    assert.equal(error.directory, path.join(dir, 'run', 'app'));
    assert.match(error.message, /createDirectory: true/);
    return true;
  });
  const handle = await acquirePidFile(nested, { createDirectory: true });
  assert.equal(statSync(path.join(dir, 'run', 'app')).isDirectory(), true);
  await handle.release();
});

test('an empty or corrupt file without a PID is a typed error, never deleted', async (t) => {
  const dir = tempDir(t);
  for (const [name, content] of [
    ['empty.pid', ''],
    ['junk.pid', 'hello world\n'],
    ['zero.pid', '0\n'],
    ['neg.pid', '-1\n'],
  ]) {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    await assert.rejects(acquirePidFile(file), (error) => {
      assert.equal(error.code, 'ERR_PIDFILE_CORRUPT', name);
      assert.equal(error.path, file);
      assert.match(error.message, /delete it/);
      return true;
    });
    assert.equal(readFileSync(file, 'utf8'), content);
  }
});
