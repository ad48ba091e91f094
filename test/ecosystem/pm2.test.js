// Under a real PM2 daemon: a kill_timeout shorter than the deadline is warned about at start, and with
// kill_timeout above the deadline `pm2 stop` (SIGINT) lets the shutdown finish and exit 0.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const pm2Bin = fileURLToPath(new URL('../../node_modules/pm2/bin/pm2', import.meta.url));
const service = fileURLToPath(new URL('../fixtures/ecosystem/pm2-service.js', import.meta.url));

async function withPm2(t, extraEnv = {}) {
  const home = await mkdtemp(path.join(os.tmpdir(), 'lastcall-pm2-'));
  const env = { ...process.env, PM2_HOME: home, ...extraEnv };
  const pm2 = (...args) => promisify(execFile)(process.execPath, [pm2Bin, ...args], { env });
  t.after(async () => {
    await pm2('kill').catch(() => {});
    await rm(home, { recursive: true, force: true });
  });
  const log = (name) => readFile(path.join(home, 'logs', name), 'utf8').catch(() => '');
  const waitForLog = async (name, pattern) => {
    for (let i = 0; i < 400; i++) {
      const text = await log(name);
      if (pattern.test(text)) return text;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${name} never matched ${pattern}:\n${await log(name)}`);
  };
  return { pm2, waitForLog, log };
}

test(
  'PM2 with its default kill_timeout (1600 ms) and a 25 s deadline given: warned once at start',
  { timeout: 60_000 },
  async (t) => {
    const { pm2, waitForLog } = await withPm2(t, { LASTCALL_DEADLINE_MS: '25000', LASTCALL_PLATFORM: '' });
    await pm2('start', service, '--name', 'svc', '--no-autorestart');
    await waitForLog('svc-out.log', /READY/);
    const errors = await waitForLog('svc-error.log', /kill_timeout/);
    assert.match(
      errors,
      /pm2 \(pm_id\), which SIGKILLs 1600 ms after its stop signal: the 25000 ms shutdown deadline \(LASTCALL_DEADLINE_MS\)/,
    );
    assert.equal(errors.match(/SIGKILLs/g).length, 1);
  },
);

test(
  'PM2 and no deadline given: the deadline is taken from its kill_timeout, and pm2 stop lets the shutdown finish',
  { timeout: 60_000 },
  async (t) => {
    const { pm2, waitForLog, log } = await withPm2(t, { LASTCALL_PLATFORM: '' });
    await pm2('start', service, '--name', 'svc', '--no-autorestart', '--kill-timeout', '4000');
    await waitForLog('svc-out.log', /READY/);
    await pm2('stop', 'svc');
    const out = await waitForLog('svc-out.log', /EXIT/);
    assert.match(out, /deadline 3600 ms from pm2/);
    // Once seen under load: EXIT 0 with no CLOSED db. The service's stderr (lastcall's summary) says why.
    const errors = await log('svc-error.log');
    assert.match(out, /CLOSED db\n(.*\n)*EXIT 0/, `stdout:\n${out}\nstderr:\n${errors}`);
    assert.doesNotMatch(errors, /SIGKILLs/);
  },
);

test(
  'PM2 with kill_timeout above the deadline: no warning, pm2 stop lets the shutdown finish',
  { timeout: 60_000 },
  async (t) => {
    const { pm2, waitForLog, log } = await withPm2(t, { LASTCALL_DEADLINE_MS: '3000' });
    await pm2('start', service, '--name', 'svc', '--no-autorestart', '--kill-timeout', '5000');
    await waitForLog('svc-out.log', /READY/);
    await pm2('stop', 'svc');
    const out = await waitForLog('svc-out.log', /EXIT/);
    assert.match(out, /CLOSED db\n(.*\n)*EXIT 0/);
    assert.doesNotMatch(await log('svc-error.log'), /kill_timeout/);
  },
);
