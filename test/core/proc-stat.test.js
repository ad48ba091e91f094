// /proc/<pid>/stat parsing, shared by lastcall/process (tree walks) and lastcall/pidfile (identity).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseProcStat, readProcStat } from '../../build/modules/internal/proc-stat.js';

test('parseProcStat reads fields after the last ")" (command names with spaces and parentheses)', () => {
  const fields = 'S 42 77 77 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 123456 100 200';
  assert.deepEqual(parseProcStat(`9 (a) b (c) d) ${fields}`), { ppid: 42, pgid: 77, state: 'S', startTime: '123456' });
  assert.equal(parseProcStat('garbage'), undefined);
  assert.equal(parseProcStat('9 (x) S 1 2'), undefined, 'a truncated line has no start time');
});

test(
  'readProcStat reads this process and nothing for a pid that does not exist',
  { skip: process.platform !== 'linux' && 'no /proc' },
  () => {
    const own = readProcStat(process.pid);
    assert.equal(own.ppid, process.ppid);
    assert.match(own.startTime, /^\d+$/);
    assert.equal(readProcStat(2 ** 22 + 1), undefined);
  },
);
