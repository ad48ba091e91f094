import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { identityOf, startAllReady, startProcess, tempDir } from '../helpers/pidfile.js';

/** The claim file for an instance without identity link, as takeover.ts names it (pinned: it is the on-disk protocol). */
function claimPath(file) {
  const stat = statSync(file);
  const text = readFileSync(file, 'utf8');
  const key = createHash('sha256').update(`${file}\0${stat.dev}:${stat.ino}\0${text}\0`).digest('hex').slice(0, 20);
  return path.join(path.dirname(file), `.${path.basename(file)}.takeover-${key}`);
}

function recordOf(pid, start) {
  return `${pid}\nlastcall kind=claim start=${start} boot=${identityOf(process.pid).boot} nonce=${Math.random().toString(16).slice(2)}\n`;
}

async function deadPid() {
  const proc = startProcess('check.js', ['/nonexistent/dir/x.pid']);
  await proc.exited;
  return proc.pid;
}

async function race(t, file) {
  const racers = await startAllReady(t, 8, 'racer.js', [file]);
  for (const racer of racers) racer.send('go');
  return racers;
}

test('while a live process holds the claim on a stale file, nobody else removes it', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'app.pid');
  writeFileSync(file, `${await deadPid()}\nlastcall kind=pidfile start=1 nonce=aaaaaaaaaaaaaaaa\n`);
  const claim = claimPath(file);
  writeFileSync(claim, recordOf(process.pid, identityOf(process.pid).start)); // we are the slow claimer
  const racers = await race(t, file);
  await sleep(300); // give the racers every chance to misbehave
  assert.equal(readFileSync(file, 'utf8').split('\n')[1], 'lastcall kind=pidfile start=1 nonce=aaaaaaaaaaaaaaaa');
  assert.equal(racers.filter((racer) => racer.lines.length > 1).length, 0, 'all still waiting on the claim');

  // Finish the takeover, then drop the claim. Atomically (rename): a real claimer unlinks then links,
  // and a racer may win the empty path in between, which is correct but not what this test checks.
  const own = identityOf(process.pid);
  const temp = path.join(dir, '.mine.tmp');
  writeFileSync(
    temp,
    `${process.pid}\nlastcall kind=pidfile start=${own.start} boot=${own.boot} nonce=bbbbbbbbbbbbbbbb\n`,
  );
  renameSync(temp, file);
  unlinkSync(claim);
  const results = await Promise.all(racers.map((racer) => racer.waitForLine(/^(WON|HELD|ERR)\b/)));
  assert.deepEqual(results, Array(racers.length).fill(`HELD ${process.pid}`));
  unlinkSync(file);
});

test(
  'a claim left by a claimer that died mid-takeover is itself taken over; one winner',
  { timeout: 30_000 },
  async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'app.pid');
    writeFileSync(file, `${await deadPid()}\nlastcall kind=pidfile start=1 nonce=cccccccccccccccc\n`);
    writeFileSync(claimPath(file), recordOf(await deadPid(), 99));
    const racers = await race(t, file);
    const results = await Promise.all(racers.map((racer) => racer.waitForLine(/^(WON|HELD|ERR)\b/)));
    const winners = results.filter((line) => line.startsWith('WON'));
    assert.equal(winners.length, 1, results.join(' | '));
    const winnerPid = winners[0].split(' ')[1];
    assert.equal(results.filter((line) => line === `HELD ${winnerPid}`).length, racers.length - 1);
    const left = readdirSync(dir).filter((name) => !name.startsWith(`.app.pid.lastcall.pid=${winnerPid},`));
    assert.deepEqual(left, ['app.pid'], 'the dead claim and every temp file are gone');
    assert.ok(existsSync(file));
  },
);
