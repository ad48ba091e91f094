// inheritedSockets(): systemd's LISTEN_* convention, checked against this process, cleared once read.
import assert from 'node:assert/strict';
import test from 'node:test';

import { ListenFdsError } from 'lastcall';
import { inheritedSockets } from 'lastcall/http';

test('sockets for this pid: fds from 3 with their names; the variables are removed', () => {
  const env = { LISTEN_FDS: '2', LISTEN_PID: String(process.pid), LISTEN_FDNAMES: 'web:admin', OTHER: 'x' };
  assert.deepEqual(inheritedSockets(env), [
    { fd: 3, name: 'web' },
    { fd: 4, name: 'admin' },
  ]);
  assert.deepEqual(env, { OTHER: 'x' });
  assert.deepEqual(inheritedSockets({ LISTEN_FDS: '1', LISTEN_PID: String(process.pid) }), [
    { fd: 3, name: 'unknown' },
  ]);
});

test('meant for another process, or none: [] and the variables are left alone', () => {
  const env = { LISTEN_FDS: '1', LISTEN_PID: String(process.pid + 1) };
  assert.deepEqual(inheritedSockets(env), []);
  assert.equal(env.LISTEN_FDS, '1');
  assert.deepEqual(inheritedSockets({}), []);
});

test('malformed variables throw ListenFdsError naming the variable', () => {
  const pid = String(process.pid);
  assert.throws(
    () => inheritedSockets({ LISTEN_FDS: 'two', LISTEN_PID: pid }),
    (e) => e instanceof ListenFdsError && e.code === 'ERR_LISTEN_FDS' && e.variable === 'LISTEN_FDS',
  );
  assert.throws(() => inheritedSockets({ LISTEN_FDS: '0', LISTEN_PID: pid }), { code: 'ERR_LISTEN_FDS' });
  assert.throws(() => inheritedSockets({ LISTEN_FDS: '2', LISTEN_PID: pid, LISTEN_FDNAMES: 'one' }), {
    variable: 'LISTEN_FDNAMES',
  });
});
