import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';

import { acquireLock, acquirePidFile } from 'lastcall/pidfile';

import { identityOf, startProcess, startReady, tempDir } from '../helpers/pidfile.js';

const pidns = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))[1];
const host = hostname();

/** A record as lastcall writes it, with any field overridden. */
function record(pid, fields) {
  const own = identityOf(pid);
  const all = { kind: 'pidfile', start: own.start, boot: own.boot, pidns, host, nonce: 'feedfacefeedface', ...fields };
  const line = Object.entries(all)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${pid}\nlastcall ${line}\n`;
}

async function deadPid() {
  const proc = startProcess('check.js', ['/nonexistent/dir/x.pid']);
  await proc.exited;
  return proc.pid;
}

async function assertTakesOver(file) {
  const handle = await acquirePidFile(file);
  assert.equal(readFileSync(file, 'utf8').split('\n')[0], String(process.pid));
  await handle.release();
  assert.equal(existsSync(file), false);
  assert.deepEqual(readdirSync(path.dirname(file)), [], 'no claim or temp files left');
}

for (const kind of ['pidfile', 'lock']) {
  test(`${kind}: a SIGKILLed holder's file is taken over on the first try`, async (t) => {
    const file = path.join(tempDir(t), `app.${kind}`);
    const holder = await startReady('holder.js', [file, kind]);
    const { signal } = await holder.kill('SIGKILL');
    assert.equal(signal, 'SIGKILL');
    assert.equal(readFileSync(file, 'utf8').split('\n')[0], String(holder.pid), 'the dead holder left its file');
    const startedAt = performance.now();
    const handle = await (kind === 'lock' ? acquireLock : acquirePidFile)(file); // waitMs 0: one try only
    assert.ok(performance.now() - startedAt < 5000);
    assert.equal(readFileSync(file, 'utf8').split('\n')[0], String(process.pid));
    await handle.release();
    assert.deepEqual(readdirSync(path.dirname(file)), [], "the dead holder's identity link went with its file");
  });
}

test('a PID reused by an unrelated live process (start time differs) is stale', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const unrelated = await startReady('holder.js', [path.join(tempDir(t), 'other.pid')]);
  t.after(() => unrelated.kill());
  const real = identityOf(unrelated.pid).start;
  writeFileSync(file, record(unrelated.pid, { start: String(Number(real) - 1234) }));
  await assertTakesOver(file);

  writeFileSync(file, record(unrelated.pid, {}));
  await assert.rejects(
    acquirePidFile(file),
    { code: 'ERR_PIDFILE_HELD', pid: unrelated.pid },
    'the control: same start is held',
  );
});

test('dead PIDs, earlier boots and foreign-format files', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'app.pid');
  const dead = await deadPid();
  writeFileSync(file, record(dead, { start: '12345' }));
  await assertTakesOver(file);

  writeFileSync(file, record(process.ppid, { boot: '00000000-0000-0000-0000-000000000000' }));
  await assertTakesOver(file); // same host, other boot id: the machine rebooted

  writeFileSync(file, `${dead}\n`); // bare PID, as `echo $$ > file` writes it
  await assertTakesOver(file);

  writeFileSync(file, `${dead}\r\n`); // CRLF, as some tools write it
  await assertTakesOver(file);

  writeFileSync(file, `${dead}\nsome other tool's second line\n`); // not provably a PID file: its PID is dead, still kept
  await assert.rejects(acquirePidFile(file), { code: 'ERR_PIDFILE_CORRUPT', path: file });
  assert.equal(readFileSync(file, 'utf8'), `${dead}\nsome other tool's second line\n`);

  writeFileSync(file, 'garbage from before the reboot\n'); // not a PID file, whatever its age
  utimesSync(file, new Date('2001-01-01'), new Date('2001-01-01'));
  await assert.rejects(acquirePidFile(file), { code: 'ERR_PIDFILE_CORRUPT', path: file });
  assert.equal(readFileSync(file, 'utf8'), 'garbage from before the reboot\n');
});

test('a bare PID file older than the live process it names was written by a predecessor', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const unrelated = await startReady('holder.js', [path.join(tempDir(t), 'other.pid')]);
  t.after(() => unrelated.kill());
  writeFileSync(file, `${unrelated.pid}\n`);
  await assert.rejects(acquirePidFile(file), { code: 'ERR_PIDFILE_HELD', pid: unrelated.pid }, 'fresh bare file: held');
  const old = new Date(Date.now() - 3600_000);
  utimesSync(file, old, old);
  await assertTakesOver(file);
});

test('a file from another host cannot be checked, so it is held', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const dead = await deadPid();
  writeFileSync(file, record(dead, { host: 'elsewhere', boot: 'another-boot', since: Date.now() - 5000 }));
  await assert.rejects(acquirePidFile(file), (error) => {
    assert.equal(error.code, 'ERR_PIDFILE_HELD');
    assert.equal(error.reason, 'other-host');
    assert.equal(error.host, 'elsewhere');
    assert.ok(error.runningForMs >= 5000 && error.runningForMs < 60_000);
    assert.match(error.message, /on host "elsewhere".*delete the file/);
    return true;
  });
  // Other PID namespaces: test/pidfile/namespace.test.js, in real namespaces.
});

test('another host: held while its lease is fresh, taken over once not refreshed for 4 periods; no lease: held', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  // A live PID here that is someone else: on another host the PID means nothing, alive or not.
  const unrelated = await startReady('holder.js', [path.join(tempDir(t), 'other.pid')]);
  t.after(() => unrelated.kill());
  const elsewhere = { host: 'elsewhere', boot: 'another-boot', pidns: '4026531836', lease: 5000 };
  const backdate = (ms) => utimesSync(file, new Date(Date.now() - ms), new Date(Date.now() - ms));
  writeFileSync(file, record(unrelated.pid, elsewhere));
  await assert.rejects(acquirePidFile(file), { code: 'ERR_PIDFILE_HELD', reason: 'other-host', host: 'elsewhere' });
  backdate(15_000); // 3 periods: one host's hiccup, or clocks a few seconds apart
  await assert.rejects(acquirePidFile(file), { code: 'ERR_PIDFILE_HELD', reason: 'other-host' });
  backdate(30_000);
  const handle = await acquirePidFile(file);
  assert.deepEqual(handle.takeover, { pid: unrelated.pid, reason: 'lease-expired' });
  await handle.release();

  writeFileSync(file, record(unrelated.pid, { ...elsewhere, lease: undefined })); // an older writer: no lease
  backdate(3600_000);
  await assert.rejects(acquirePidFile(file), { code: 'ERR_PIDFILE_HELD', reason: 'other-host' });
});

test('an earlier boot of this machine: stale even when its PID is alive now (no boot id recorded: by mtime)', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const unrelated = await startReady('holder.js', [path.join(tempDir(t), 'other.pid')]);
  t.after(() => unrelated.kill());
  writeFileSync(file, record(unrelated.pid, { boot: 'ed3055d1-0000-4000-8000-000000000000', start: '100' }));
  assert.equal((await acquirePidFile(file).then(async (h) => (await h.release(), h))).takeover.reason, 'rebooted');
  // Written by an older version (no boot=) before this boot, naming a PID alive now with the same start.
  writeFileSync(file, record(unrelated.pid, { boot: undefined }));
  utimesSync(file, new Date('2001-01-01'), new Date('2001-01-01'));
  assert.equal((await acquirePidFile(file).then(async (h) => (await h.release(), h))).takeover.reason, 'previous-boot');
  writeFileSync(file, record(unrelated.pid, { boot: undefined })); // the control: written in this boot
  await assert.rejects(acquirePidFile(file), { code: 'ERR_PIDFILE_HELD', pid: unrelated.pid });
});

test('no start time to compare: a live PID running another command is not the holder', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'app.pid');
  const unrelated = await startReady('holder.js', [path.join(dir, 'other.pid')]); // a node process
  t.after(() => unrelated.kill());
  const own = readdirSync(dir).find((name) => name.startsWith('.other.pid.lastcall.'));
  assert.match(own, /,cmd=node,/, 'the identity records the command name');
  writeFileSync(file, record(unrelated.pid, { start: undefined, cmd: 'postgres' }));
  assert.equal((await acquirePidFile(file).then(async (h) => (await h.release(), h))).takeover.reason, 'pid-reused');
  writeFileSync(file, record(unrelated.pid, { start: undefined, cmd: 'node' })); // the control
  await assert.rejects(acquirePidFile(file), { code: 'ERR_PIDFILE_HELD', pid: unrelated.pid });
});

test('EPERM from kill(pid, 0) counts as alive (root-owned PID 1 checked by an unprivileged user)', async (t) => {
  const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
  const probe = spawnSync(
    asNobody[0],
    [
      ...asNobody.slice(1),
      process.execPath,
      '-e',
      "try { process.kill(1, 0); console.log('OK') } catch (e) { console.log(e.code) }",
    ],
    { encoding: 'utf8' },
  );
  if (probe.status !== 0 || probe.stdout.trim() !== 'EPERM') {
    t.skip(`cannot run as an unprivileged user here (setpriv: ${probe.stdout.trim() || probe.stderr.trim()})`);
    return;
  }
  const dir = tempDir(t);
  chmodSync(dir, 0o777); // the checker may write its temp file, but never gets that far
  const file = path.join(dir, 'app.pid');
  writeFileSync(file, record(1, {}));
  // nobody may not be able to read this checkout (a clone under `mktemp -d` or /root): it runs a
  // copy of the package and the checker from a world-readable temp directory instead.
  const checkJs = await readableChecker(t);
  const checker = startProcess(checkJs, [file], { wrapper: asNobody });
  const result = JSON.parse(await checker.waitForLine(/^\{/));
  assert.deepEqual([result.won, result.code, result.pid, result.reason], [false, 'ERR_PIDFILE_HELD', 1, 'alive']);
  assert.equal(readFileSync(file, 'utf8'), record(1, {}));

  chmodSync(dir, 0o755); // and without write access to the directory: a typed access error
  const denied = startProcess(checkJs, [path.join(dir, 'fresh.pid')], { wrapper: asNobody });
  const outcome = JSON.parse(await denied.waitForLine(/^\{/));
  assert.equal(outcome.code, 'ERR_PIDFILE_ACCESS');
  assert.match(outcome.message, /EACCES/);
});

/** check.js and the built package, copied where any user can read them; the path is relative to the fixtures. */
async function readableChecker(t) {
  const { chmodSync: chmod, cpSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { fixtures } = await import('../helpers/pidfile.js');
  const root = path.resolve(fixtures, '..', '..', '..');
  const dir = mkdtempSync(path.join(tmpdir(), 'lastcall-eperm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  cpSync(path.join(fixtures, 'check.js'), path.join(dir, 'check.js'));
  chmod(dir, 0o755); // mkdtemp makes it 0700; the copied files keep their (readable) modes
  return path.relative(fixtures, path.join(dir, 'check.js'));
}
