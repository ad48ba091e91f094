// The guardian script itself, run under dash and under bash, fed registrations
// the way the parent writes them, then EOF (the parent is gone).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { GUARDIAN_SCRIPT } from '../../build/modules/process/guardian-script.js';
import { isAlive, killAll, waitForLine, waitUntil } from '../helpers/process.js';

const has = (command) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const startTime = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
};

/** A detached process (own session and group) running `script` under sh; resolves with its printed pids. */
async function group(script, env) {
  const leader = spawn('sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'], env });
  const line = await waitForLine(leader.stdout, /^READY/);
  leader.unref();
  return [leader.pid, ...line.split(' ').slice(1).map(Number)];
}

function runGuardian(shell, token, lines) {
  const g = spawn(shell, ['-c', GUARDIAN_SCRIPT, 'lastcall-guardian', token], {
    stdio: ['pipe', 'ignore', 'inherit'],
    detached: true,
  });
  g.stdin.end(lines.join(''));
  return new Promise((resolve) => g.once('exit', resolve));
}

for (const shell of ['dash', 'bash']) {
  test(
    `guardian under ${shell}: a registered group's unmarked members and an env-cleared setsid'd descendant die`,
    { skip: (!has(shell) || !has('setsid')) && `needs ${shell} and setsid` },
    async () => {
      const token = `${process.pid}-${randomBytes(6).toString('hex')}`;
      const env = { ...process.env, LASTCALL_TREE: `${token}.1` };
      // member: env -i, same group; loner: env -i and setsid (own session), found by its parent link only.
      const ours = await group(
        'env -i sleep 300 & a=$!; env -i setsid sleep 300 & b=$!; echo "READY $a $b"; wait',
        env,
      );
      const strangers = [
        ...(await group('echo READY; exec sleep 300', { ...process.env, NOTE: `LASTCALL_TREE=${token}.1` })),
        ...(await group('echo READY; exec sleep 300', { ...process.env, LASTCALL_TREE: `${token}.1x` })),
        ...(await group('echo READY; exec sleep 300', { ...process.env, LASTCALL_TREE: `other-${token}.1` })),
        // A command name that looks like the end of another stat line must confuse nothing.
        ...(await group(
          `exec python3 -c 'import ctypes, time; ctypes.CDLL(None).prctl(15, b"a) S 1 ${ours[0]}\\n1 (", 0, 0, 0); print("READY", flush=True); time.sleep(300)'`,
          process.env,
        )),
      ];
      try {
        assert.ok([...ours, ...strangers].every(isAlive));
        await runGuardian(shell, token, [`+${ours[0]}:${startTime(ours[0])}:${ours[0]}\n`]);
        assert.ok(await waitUntil(() => !ours.some(isAlive), 3000), `alive: ${ours.filter(isAlive)}`);
        assert.deepEqual(
          strangers.filter((pid) => !isAlive(pid)),
          [],
          'a marker-like text is no match',
        );
      } finally {
        killAll([...ours, ...strangers]);
      }
    },
  );

  test(
    `guardian under ${shell}: a group whose leader's start time differs (a reused pgid) is left alone`,
    { skip: !has(shell) && `needs ${shell}` },
    async () => {
      const token = `${process.pid}-${randomBytes(6).toString('hex')}`;
      const stranger = await group('sleep 300 & echo "READY $!"; wait', process.env);
      const dead = await group('sleep 300 & echo "READY $!"; wait', process.env);
      const deadStart = startTime(dead[0]);
      try {
        await runGuardian(shell, token, [
          `+${stranger[0]}:${Number(startTime(stranger[0])) - 1}:${stranger[0]}\n`,
          `+${dead[0]}:${deadStart}:${dead[0]}\n`,
          `-${dead[0]}\n`,
        ]);
        assert.deepEqual(
          stranger.filter((pid) => !isAlive(pid)),
          [],
          'the stranger group lives',
        );
        assert.deepEqual(
          dead.filter((pid) => !isAlive(pid)),
          [],
          'an unregistered group lives',
        );
      } finally {
        killAll([...stranger, ...dead]);
      }
    },
  );
}

for (const shell of ['dash', 'bash']) {
  test(
    `guardian under ${shell}: a group re-registered with a member as witness (its leader exited) is killed; a dead witness kills nothing`,
    { skip: !has(shell) && `needs ${shell}` },
    async () => {
      const token = `${process.pid}-${randomBytes(6).toString('hex')}`;
      // The leader exits at once; its env-cleared member stays in the group, orphaned.
      const [leader, member] = await group('env -i sleep 300 & echo "READY $!"', process.env);
      await waitUntil(() => !isAlive(leader), 3000);
      const [otherLeader, otherMember] = await group('sleep 300 & echo "READY $!"; wait', process.env);
      try {
        await runGuardian(shell, token, [
          `+${leader}:1:${leader}\n`,
          `+${leader}:${startTime(member)}:${member}\n`, // replaces the line above
          `+${otherLeader}:${startTime(otherMember)}:${process.pid}\n`, // a witness not in that group
        ]);
        assert.ok(await waitUntil(() => !isAlive(member), 3000), 'the witnessed group was killed');
        assert.deepEqual(
          [otherLeader, otherMember].filter((pid) => !isAlive(pid)),
          [],
        );
      } finally {
        killAll([member, otherLeader, otherMember]);
      }
    },
  );
}
