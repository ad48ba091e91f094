// Every failed spawn is a SpawnError with the errno the system reports, and signal
// names are checked up front.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { killTree, spawnManaged } from 'lastcall/process';

/** The errno Node itself reports (asynchronously) for the same spawn. */
function nodeErrno(command) {
  const child = spawn(command, [], { stdio: 'ignore' });
  return new Promise((resolve) => {
    child.once('error', (error) => resolve(error.code));
    child.once('spawn', () => resolve('spawned'));
  });
}

test('a failed spawn is a SpawnError with the errno the kernel gives (E2BIG, EACCES for a directory, a bad #!)', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lastcall-spawn-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const badBang = path.join(dir, 'bad-bang');
  writeFileSync(badBang, '#!/no/such/interpreter\necho hi\n');
  chmodSync(badBang, 0o755);
  const dirBang = path.join(dir, 'dir-bang');
  writeFileSync(dirBang, `#! ${dir}\n`);
  chmodSync(dirBang, 0o755);
  const cases = [
    ['a directory', dir, 'EACCES'],
    ['a #! naming a missing interpreter', badBang, 'ENOENT'],
    ['a #! naming a directory', dirBang, 'EACCES'],
  ];
  for (const [what, command, expected] of cases) {
    assert.equal(await nodeErrno(command), expected, `${what}: what the system says`);
    assert.throws(
      () => spawnManaged(command),
      (error) => {
        assert.equal(error.code, 'ERR_SPAWN', what);
        assert.equal(error.errno, expected, what);
        return true;
      },
    );
  }
  assert.throws(
    () => spawnManaged('true', ['x'.repeat(4 * 1024 * 1024)]),
    (error) => {
      assert.equal(error.code, 'ERR_SPAWN');
      assert.equal(error.errno, 'E2BIG');
      assert.equal(error.cause?.code, 'E2BIG');
      return true;
    },
  );
});

test('signal names are checked against os.constants.signals up front, also for a pid that is gone', async () => {
  const gone = spawn('true');
  await new Promise((resolve) => gone.once('exit', resolve));
  for (const pid of [process.pid, gone.pid]) {
    await assert.rejects(killTree(pid, { signal: 'SIGOTHER' }), { code: 'ERR_INVALID_OPTION', option: 'signal' });
    await assert.rejects(killTree(pid, { signal: 15 }), { code: 'ERR_INVALID_OPTION' });
  }
  const child = spawnManaged('sleep', ['300'], { stdio: 'ignore' });
  try {
    await assert.rejects(child.signalTree('SIGOTHER'), { code: 'ERR_INVALID_OPTION', option: 'signal' });
    const sent = await child.signalTree('SIGCONT');
    assert.deepEqual(sent, { groups: [child.pgid], pids: [] });
  } finally {
    await child.close();
  }
});
