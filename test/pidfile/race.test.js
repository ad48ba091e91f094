import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { identityOf, startAllReady, startReady, tempDir } from '../helpers/pidfile.js';

const STARTERS = 20;

/** What the path holds before a round: nothing, or a stale file the starters must take over. */
const setups = [
  ['no file', () => {}],
  [
    'a SIGKILLed holder',
    async (file) => {
      const holder = await startReady('holder.js', [file]);
      await holder.kill('SIGKILL');
    },
  ],
  [
    'a reused PID',
    (file) => {
      const { start, boot } = identityOf(process.pid);
      writeFileSync(
        file,
        `${process.pid}\nlastcall kind=pidfile start=${Number(start) + 7} boot=${boot} nonce=0123456789abcdef\n`,
      );
    },
  ],
  [
    'a previous boot',
    (file) => {
      writeFileSync(file, `${process.pid}\nlastcall kind=pidfile start=1 boot=not-this-boot nonce=0123456789abcdef\n`);
    },
  ],
  [
    'a foreign bare PID from before boot',
    (file) => {
      writeFileSync(file, `${process.pid}\n`);
      utimesSync(file, new Date('2001-01-01'), new Date('2001-01-01'));
    },
  ],
];

test(
  `${STARTERS} concurrent starter processes: exactly one wins, round after round`,
  { timeout: 120_000 },
  async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'app.pid');
    const racers = await startAllReady(t, STARTERS, 'racer.js', [file]);
    let round = 0;
    for (const [what, setup] of [...setups, ...setups]) {
      round++;
      await setup(file);
      const before = racers.map((racer) => racer.lines.length);
      for (const racer of racers) racer.send('go');
      const results = await Promise.all(
        racers.map((racer, i) => racer.waitForLine(/^(WON|HELD|ERR)\b/).then(() => racer.lines[before[i]])),
      );
      const winners = racers.filter((_, i) => results[i].startsWith('WON'));
      assert.equal(winners.length, 1, `round ${round} (${what}): ${results.join(' | ')}`);
      const [winner] = winners;
      assert.deepEqual(
        results.filter((r) => r !== `WON ${winner.pid}`),
        Array(STARTERS - 1).fill(`HELD ${winner.pid}`),
        what,
      );
      assert.equal(readFileSync(file, 'utf8').split('\n')[0], String(winner.pid));
      const left = readdirSync(dir).filter((name) => !name.startsWith(`.app.pid.lastcall.pid=${winner.pid},`));
      assert.deepEqual(left, ['app.pid'], `round ${round}: only the file and its identity link are left`);
      winner.send('release');
      assert.equal(await winner.waitForLine(/^RELEASED/), 'RELEASED true');
      assert.equal(existsSync(file), false);
      for (const racer of racers) racer.lines.length = 0;
    }
  },
);

test(
  'stress: 20 processes keep taking over abandoned files; never two holders at once',
  { timeout: 120_000 },
  async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'app.pid');
    const marker = path.join(dir, 'holder-marker');
    const workers = await startAllReady(t, STARTERS, 'stress.js', [file, marker, '40']);
    for (const worker of workers) worker.send('go');
    const lines = await Promise.all(workers.map((worker) => worker.waitForLine(/^(DONE|ERR)\b/, 100_000)));
    const errors = lines.filter((line) => !line.startsWith('DONE'));
    assert.deepEqual(errors, []);
    const wins = lines.reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
    const violations = lines.reduce((sum, line) => sum + Number(line.split(' ')[2]), 0);
    assert.equal(violations, 0);
    assert.ok(wins >= 20, `takeovers happened (${wins} wins)`);
    const left = readdirSync(dir).filter((name) => name !== 'app.pid');
    assert.deepEqual(left, [], 'no claim, temp, identity or marker files left');
  },
);
