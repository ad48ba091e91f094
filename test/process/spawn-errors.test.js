// Every failed spawn is a SpawnError with the errno the system reports, and signal
// names are checked up front.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { spawnManaged } from 'lastcall/process';

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
