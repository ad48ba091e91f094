import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { acquirePidFile } from 'lastcall/pidfile';

import { startReady, tempDir } from '../helpers/pidfile.js';

test("release after a takeover leaves the new owner's file alone", async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'app.pid');
  const mine = await acquirePidFile(file);
  // Our file ends up looking stale (as after PID reuse) and a newer instance takes it over.
  writeFileSync(`${file}.new`, `${process.pid}\nlastcall kind=pidfile start=1 nonce=0000000000000000\n`);
  renameSync(`${file}.new`, file);
  const newer = await startReady('racer.js', [file]);
  t.after(() => newer.kill());
  newer.send('go');
  assert.equal(await newer.waitForLine(/^(WON|HELD|ERR)/), `WON ${newer.pid}`);
  const theirs = readFileSync(file, 'utf8');
  await mine.release();
  assert.equal(mine.removed, false);
  assert.equal(readFileSync(file, 'utf8'), theirs, 'the newer instance keeps its file');
});

test('release after the file was deleted and re-created by another instance leaves it alone', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const mine = await acquirePidFile(file);
  unlinkSync(file); // an operator's rm
  const newer = await startReady('racer.js', [file]);
  t.after(() => newer.kill());
  newer.send('go');
  assert.equal(await newer.waitForLine(/^(WON|HELD|ERR)/), `WON ${newer.pid}`);
  await mine.release();
  assert.equal(readFileSync(file, 'utf8').split('\n')[0], String(newer.pid));
  newer.send('release');
  assert.equal(await newer.waitForLine(/^RELEASED/), 'RELEASED true');
  assert.equal(existsSync(file), false);
});

test('as a lifecycle resource the PID file is removed in the finish phase, after every close', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  const service = await startReady('service.js', [file]);
  assert.equal(readFileSync(file, 'utf8').split('\n')[0], String(service.pid));
  service.child.kill('SIGTERM');
  const exit = await service.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, service.stderr);
  assert.ok(service.lines.includes('CLOSE db pidfile=present'), 'the PID file outlives the close phase');
  const report = JSON.parse(service.lines.find((l) => l.startsWith('REPORT ')).slice('REPORT '.length));
  const step = report.steps.find((s) => s.name === 'pidfile');
  assert.deepEqual([step.phase, step.status], ['finish', 'ok']);
  assert.equal(existsSync(file), false);
});
