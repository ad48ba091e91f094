import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { acquirePidFile } from 'lastcall/pidfile';

import { startProcess, tempDir } from '../helpers/pidfile.js';

async function deadPid() {
  const proc = startProcess('check.js', ['/nonexistent/dir/x.pid']);
  await proc.exited;
  return proc.pid;
}

const digest = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The claim name takeover.ts derives for a file without identity link (pinned: it is the on-disk protocol). */
function claimPath(file) {
  const stat = statSync(file);
  const text = readFileSync(file, 'utf8');
  const key = createHash('sha256').update(`${file}\0${stat.dev}:${stat.ino}\0${text}\0`).digest('hex').slice(0, 20);
  return path.join(path.dirname(file), `.${path.basename(file)}.takeover-${key}`);
}

test('a large CSV whose first line is a dead PID is never removed or replaced', { timeout: 60_000 }, async (t) => {
  const file = path.join(tempDir(t), 'data.csv');
  const dead = await deadPid();
  const row = 'id,name,amount,created_at,comment\n';
  writeFileSync(file, `${dead}\n${row.repeat(Math.ceil((8 << 20) / row.length))}`);
  const before = { sha: digest(file), ino: statSync(file).ino, size: statSync(file).size };
  await assert.rejects(acquirePidFile(file), (error) => {
    assert.equal(error.code, 'ERR_PIDFILE_CORRUPT');
    assert.equal(error.path, file);
    assert.match(error.message, new RegExp(`${before.size} bytes, more than a PID file`));
    return true;
  });
  assert.deepEqual({ sha: digest(file), ino: statSync(file).ino, size: statSync(file).size }, before);
  assert.deepEqual(readdirSync(path.dirname(file)), ['data.csv'], 'no claim or temp file left');

  const small = path.join(path.dirname(file), 'small.pid'); // small, but more than a PID line
  writeFileSync(small, `${dead}\n1,2,3\n`);
  await assert.rejects(acquirePidFile(small), { code: 'ERR_PIDFILE_CORRUPT', path: small });
  assert.equal(readFileSync(small, 'utf8'), `${dead}\n1,2,3\n`);
});

test('whatever is planted at the takeover-claim name cannot block a takeover; nothing is followed or deleted', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'app.pid');
  const victim = path.join(dir, 'victim');
  writeFileSync(victim, 'precious\n');
  const dead = await deadPid();
  const plants = {
    symlink: (claim) => symlinkSync(victim, claim),
    dangling: (claim) => symlinkSync(path.join(dir, 'nowhere'), claim),
    garbage: (claim) => writeFileSync(claim, 'not a claim\n'),
    'dead claim without kind': (claim) => writeFileSync(claim, `${dead}\n`),
    directory: (claim) => mkdirSync(path.join(claim, 'inside'), { recursive: true }),
  };
  for (const [what, plant] of Object.entries(plants)) {
    writeFileSync(file, `${dead}\n`);
    const claim = claimPath(file);
    plant(claim);
    const handle = await acquirePidFile(file); // waitMs 0: cleared within the one call
    assert.equal(readFileSync(file, 'utf8'), `${process.pid}\n`, what);
    await handle.release();
    assert.equal(existsSync(claim), false, `${what}: the claim name is free again`);
    const moved = readdirSync(dir).filter((name) => name.startsWith(`${path.basename(claim)}.moved-`));
    assert.equal(moved.length, 1, `${what}: not provably a claim, so moved aside, not deleted`);
    const aside = path.join(dir, moved[0]);
    if (what === 'symlink') assert.equal(readlinkSync(aside), victim, 'the link itself was moved');
    if (what === 'directory') assert.ok(lstatSync(path.join(aside, 'inside')).isDirectory());
    rmSync(aside, { recursive: true });
  }
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(existsSync(path.join(dir, 'nowhere')), false, 'a dangling link is never followed');
});

test('release removes what is ours when the identity link or the PID file was removed by hand, and only that', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'app.pid');
  const identityOf = () => readdirSync(dir).find((name) => name.startsWith('.app.pid.lastcall.'));

  let handle = await acquirePidFile(file);
  unlinkSync(path.join(dir, identityOf())); // an operator removes the hidden link
  await handle.release();
  assert.equal(handle.removed, true);
  assert.deepEqual(readdirSync(dir), [], 'the bare PID file went too');

  handle = await acquirePidFile(file);
  const identity = identityOf();
  unlinkSync(file); // an operator removes the PID file
  await handle.release();
  assert.equal(handle.removed, false, 'the PID file was already gone');
  assert.deepEqual(readdirSync(dir), [], `the identity link ${identity} went too`);

  handle = await acquirePidFile(file);
  unlinkSync(path.join(dir, identityOf()));
  unlinkSync(file);
  writeFileSync(file, `${process.pid}\n`); // re-created by someone else: same content, another inode
  await handle.release();
  assert.equal(handle.removed, false);
  assert.equal(readFileSync(file, 'utf8'), `${process.pid}\n`, 'not ours: left alone');
});
