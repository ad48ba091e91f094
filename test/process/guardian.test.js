import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { fixture, isAlive, killAll, node, waitForGuardians, waitForLine, waitUntil } from '../helpers/process.js';

function startParent(args = []) {
  const parent = spawn(node, [fixture('parent.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return waitForLine(parent.stdout, /^READY/).then((line) => {
    const [guardian, ...descendants] = line.split(' ').slice(1).map(Number);
    return { parent, guardian, descendants };
  });
}

test('when the parent is SIGKILLed, the guardian kills every descendant (setsid ones too)', async () => {
  const { parent, guardian, descendants } = await startParent();
  try {
    assert.equal(descendants.length, 4);
    assert.ok(descendants.every(isAlive));
    assert.ok(isAlive(guardian));
    // A short line a person recognises in ps/top: what it is and for which pid, not a 3 KB script.
    const cmdline = readFileSync(`/proc/${guardian}/cmdline`, 'utf8').split('\0').join(' ');
    assert.match(cmdline, new RegExp(`^lastcall-guardian .*guarding-trees-of-pid-${parent.pid} `));
    assert.ok(cmdline.length < 160, cmdline);
    process.kill(parent.pid, 'SIGKILL');
    // Its rounds read all of /proc (seconds on a loaded box): wait for it to end, then nothing is left.
    assert.ok(await waitForGuardians([guardian]), 'the guardian exits after its work');
    assert.ok(await waitUntil(() => !descendants.some(isAlive), 2000), `alive: ${descendants.filter(isAlive)}`);
  } finally {
    killAll([parent.pid, guardian, ...descendants]);
  }
});

test('a parent that exits without closing its children does not leave them behind', async () => {
  const { parent, guardian, descendants } = await startParent(['--exit']);
  try {
    const [code] = await new Promise((resolve) => parent.once('exit', (...a) => resolve(a)));
    assert.equal(code, 0);
    assert.ok(await waitForGuardians([guardian]), 'the guardian exits after its work');
    assert.ok(await waitUntil(() => !descendants.some(isAlive), 2000), `alive: ${descendants.filter(isAlive)}`);
  } finally {
    killAll([guardian, ...descendants]);
  }
});

test('the guardian does not keep the parent alive once its children are closed', async () => {
  const child = spawn(node, [fixture('close-then-exit.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await waitForLine(child.stdout, /^CLOSED/);
  const [, escalation, guardian] = line.split(' ');
  assert.equal(escalation, 'sigterm');
  const exited = await Promise.race([
    new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    // A guard against a parent held open forever, not a speed bound.
    new Promise((resolve) => setTimeout(resolve, 30_000, 'still running')),
  ]);
  killAll([child.pid]);
  assert.equal(exited, 0);
  assert.ok(await waitForGuardians([Number(guardian)]), 'the guardian saw EOF and exited');
});

/** Live processes whose environment holds BURST_TAG=<tag>. */
function tagged(tag) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (
        readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`BURST_TAG=${tag}`) &&
        isAlive(Number(pid))
      )
        found.push(Number(pid));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** `pid (state, ppid, pgid)`, for a failure message. */
function describe(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid, pgid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return `${pid} (${state}, ppid ${ppid}, pgid ${pgid})`;
  } catch {
    return `${pid} (gone)`;
  }
}

/** Live guardians of the parent `pid` (their command line holds its token, `<pid>-<random>`). */
function guardiansOf(pid) {
  return readdirSync('/proc').filter((name) => {
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'latin1');
      return (
        /^\d+$/.test(name) &&
        cmdline.includes('lastcall-guardian') &&
        cmdline.includes(`\0${pid}-`) &&
        isAlive(Number(name))
      );
    } catch {
      return false;
    }
  });
}

// Issue 20 item 16: no instant in which a managed child exists and nothing would kill it with its parent.
test(
  'a parent SIGKILLed at random points of its first spawnManaged() calls leaves no child, over many rounds',
  { timeout: 600_000 },
  async () => {
    const survivors = [];
    for (let round = 0; round < 30; round++) {
      const tag = `burst-${process.pid}-${round}`;
      const parent = spawn(node, [fixture('spawn-burst.js'), '10', tag], { stdio: ['ignore', 'pipe', 'inherit'] });
      await waitForLine(parent.stdout, /^STARTING/);
      // Somewhere in the burst: the first spawn (before the guardian existed) takes a few ms.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
      parent.kill('SIGKILL');
      await new Promise((resolve) => parent.once('exit', resolve));
      // The guardian's work is over when it exits (its rounds may take seconds on a loaded machine); a
      // child forked when the parent died shows its tag only once it has exec'd, so nothing sooner says
      // it is gone.
      assert.ok(await waitUntil(() => guardiansOf(parent.pid).length === 0, 30_000), 'the guardian ends its work');
      // A process SIGKILLed just before the guardian exited still shows its environment until the kernel
      // runs its exit (tens of ms on a throttled box); one the guardian missed sleeps for 300 s.
      await waitUntil(() => tagged(tag).length === 0, 5000);
      const left = tagged(tag);
      if (left.length > 0) survivors.push(`round ${round}: ${left.map(describe).join(' ')}`);
      killAll(left);
    }
    assert.deepEqual(survivors, []);
  },
);
