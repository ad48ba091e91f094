// Doctor's platform advice: where the grace period is out of the service's sight (Kubernetes), the
// service must be handed LASTCALL_DEADLINE_MS; doctor says how, from the environment it was given.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkOf, doctor } from '../../helpers/doctor.js';

// A service that stops at once on SIGTERM (what the other checks say of it does not matter here).
const SERVICE = [
  process.execPath,
  '-e',
  `const s = require('node:http').createServer((q, r) => r.end('ok'));
   process.on('SIGTERM', () => { s.close(); s.closeAllConnections(); });
   s.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('READY'));`,
];
const FLAGS = ['--after', '300ms', '--deadline', '3s', '--connections', '2'];
// The box's own platform (a Docker or systemd one) must not decide what these tests see.
const CLEAN = { KUBERNETES_SERVICE_HOST: '', LASTCALL_PLATFORM: '', LASTCALL_DEADLINE_MS: '' };

test('in Kubernetes without LASTCALL_DEADLINE_MS: platform warns and says how to hand the grace period down', async () => {
  const { result } = await doctor(FLAGS, SERVICE, { env: { ...CLEAN, KUBERNETES_SERVICE_HOST: '10.96.0.1' } });
  const check = checkOf(result, 'platform');
  assert.ok(check, JSON.stringify(result.checks));
  assert.equal(check.status, 'warn');
  assert.match(check.message, /kubernetes \(KUBERNETES_SERVICE_HOST\)/);
  assert.match(check.message, /terminationGracePeriodSeconds/);
  assert.match(check.message, /set LASTCALL_DEADLINE_MS in the service's environment/);
  assert.match(check.message, /docs\/deadline\.md/);
  assert.match(check.message, /for this run's --deadline 3000 ms it would be 2700/);
});

test('a platform asked for by LASTCALL_PLATFORM=kubernetes is advised the same way', async () => {
  const { result } = await doctor(FLAGS, SERVICE, { env: { ...CLEAN, LASTCALL_PLATFORM: 'kubernetes' } });
  const check = checkOf(result, 'platform');
  assert.equal(check?.status, 'warn', JSON.stringify(result.checks));
  assert.match(check.message, /kubernetes \(LASTCALL_PLATFORM\)/);
});

test('handed LASTCALL_DEADLINE_MS, or outside such a platform: no advice needed', async () => {
  const handed = await doctor(FLAGS, SERVICE, {
    env: { ...CLEAN, KUBERNETES_SERVICE_HOST: '10.96.0.1', LASTCALL_DEADLINE_MS: '29000' },
  });
  const check = checkOf(handed.result, 'platform');
  assert.equal(check?.status, 'pass', JSON.stringify(handed.result.checks));
  assert.match(check.message, /handed LASTCALL_DEADLINE_MS=29000/);
  const plain = await doctor(FLAGS, SERVICE, { env: { ...CLEAN, LASTCALL_PLATFORM: 'none' } });
  assert.equal(checkOf(plain.result, 'platform'), undefined, JSON.stringify(plain.result.checks));
});
