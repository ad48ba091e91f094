// lastcall/pidfile's bad input, in one file (as test/core/bad-input.test.js for the core):
// acquirePidFile's options are checked before the file is touched, with a typed error naming the option.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { acquirePidFile } from 'lastcall/pidfile';

import { tempDir } from '../helpers/pidfile.js';

test('options are validated', async () => {
  await assert.rejects(acquirePidFile('/tmp/x.pid', { wait: 1 }), { code: 'ERR_UNKNOWN_OPTION' });
  await assert.rejects(acquirePidFile('/tmp/x.pid', { waitMs: '5s' }), {
    code: 'ERR_INVALID_OPTION',
    message: 'Expected "waitMs" to be a non-negative number, got "5s" (string)',
  });
  await assert.rejects(acquirePidFile('/tmp/x.pid', { createDirectory: 'yes' }), { code: 'ERR_INVALID_OPTION' });
  await assert.rejects(acquirePidFile('/tmp/x.pid', { signal: {} }), { code: 'ERR_INVALID_OPTION' });
  await assert.rejects(acquirePidFile(''), { code: 'ERR_INVALID_OPTION' });
});

test('leaseMs: under the minimum or not a whole number of ms is a typed error naming it', async (t) => {
  const file = path.join(tempDir(t), 'app.pid');
  await assert.rejects(acquirePidFile(file, { leaseMs: 50 }), { code: 'ERR_INVALID_OPTION', message: /leaseMs/ });
  await assert.rejects(acquirePidFile(file, { leaseMs: 1.5e3 + 0.5 }), { code: 'ERR_INVALID_OPTION' });
});
