// The deadline taken from the platform the process runs on (docs/deadline.md): one faked
// environment per row of the table, spawned as a real process; systemd through a fake `systemctl`
// on PATH that prints the property as systemd documents it (this machine runs no systemd as PID 1,
// so no real unit can be started here); values that cannot be a grace period are ignored with one
// warning, never a crash.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const fixture = fileURLToPath(new URL('../fixtures/core/deadline-source.js', import.meta.url));
const { normalizePlatformDeadline } = await import('../../build/modules/core/deadline-source.js');

// Only what the row needs: none of the runner's own platform variables leak in.
const BASE = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp' };

async function detect(env, options = {}) {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [fixture, JSON.stringify(options)], {
    env: { ...BASE, ...env },
  });
  return { ...JSON.parse(stdout), stderr };
}

const ROWS = [
  ['pm2', { pm_id: '0', kill_timeout: '8000' }, 8000, 800],
  ['pm2', { pm_id: '0' }, 1600, 160],
  ['cloud-run', { K_SERVICE: 'api', K_REVISION: 'api-1' }, 10_000, 1000],
  ['cloud-run', { CLOUD_RUN_JOB: 'nightly' }, 10_000, 1000],
  ['fly', { FLY_APP_NAME: 'api', FLY_MACHINE_ID: 'e1' }, 5000, 500],
  ['heroku', { DYNO: 'web.1' }, 30_000, 1000],
  ['ecs', { ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/x' }, 30_000, 1000],
  ['docker', { LASTCALL_PLATFORM: 'docker' }, 10_000, 1000],
];

for (const [platform, env, platformMs, marginMs] of ROWS) {
  test(`${platform} (${Object.keys(env).join(', ')}): the platform's ${platformMs} ms minus a ${marginMs} ms margin`, async () => {
    const r = await detect(env);
    assert.equal(r.deadlineMs, platformMs - marginMs);
    assert.equal(r.deadlineSource.source, platform);
    assert.equal(r.deadlineSource.platformMs, platformMs);
    assert.equal(r.deadlineSource.marginMs, marginMs);
    assert.equal(r.stderr, '');
  });
}

test('nothing recognised (LASTCALL_PLATFORM=none): the 25 s default, source "default"', async () => {
  const r = await detect({ LASTCALL_PLATFORM: 'none' });
  assert.equal(r.deadlineMs, 25_000);
  assert.equal(r.deadlineSource.source, 'default');
});

test(
  'Docker recognised from /.dockerenv when this machine is a container',
  { skip: !(await import('node:fs')).existsSync('/.dockerenv') && 'no /.dockerenv here' },
  async () => {
    const r = await detect({});
    assert.deepEqual(r.deadlineSource, { source: 'docker', detail: '/.dockerenv', platformMs: 10_000, marginMs: 1000 });
  },
);

test('LASTCALL_DEADLINE_MS is above every platform; an explicit deadlineMs above the platform', async () => {
  const env = await detect({ DYNO: 'web.1', LASTCALL_DEADLINE_MS: '7000' }, { deadlineMs: 3000 });
  assert.equal(env.deadlineMs, 7000);
  assert.equal(env.deadlineSource.source, 'env');
  const option = await detect({ DYNO: 'web.1' }, { deadlineMs: 3000 });
  assert.deepEqual([option.deadlineMs, option.deadlineSource.source], [3000, 'option']);
});

test('Kubernetes without LASTCALL_DEADLINE_MS: the default, and one warning that says how to pass the grace period', async () => {
  const r = await detect({ KUBERNETES_SERVICE_HOST: '10.0.0.1' });
  assert.equal(r.deadlineMs, 25_000);
  assert.equal(r.deadlineSource.source, 'default');
  assert.equal(r.stderr.match(/terminationGracePeriodSeconds/g)?.length, 1, r.stderr);
  const given = await detect({ KUBERNETES_SERVICE_HOST: '10.0.0.1', LASTCALL_DEADLINE_MS: '28000' });
  assert.equal(given.deadlineMs, 28_000);
  assert.doesNotMatch(given.stderr, /terminationGracePeriodSeconds/);
});

test('a platform that SIGKILLs before an explicit deadline is warned about once (PM2 kill_timeout, Cloud Run)', async () => {
  const pm2 = await detect({ pm_id: '3' }, { deadlineMs: 25_000 });
  assert.equal(pm2.deadlineMs, 25_000);
  assert.equal(pm2.stderr.match(/SIGKILLs 1600 ms after its stop signal/g)?.length, 1, pm2.stderr);
  assert.match(pm2.stderr, /kill_timeout in the ecosystem file/);
  const run = await detect({ K_SERVICE: 'api' }, { deadlineMs: 9000 });
  assert.equal(run.stderr, '');
});

for (const bad of ['abc', '-5', '0', '99999999999999']) {
  test(`PM2 kill_timeout=${JSON.stringify(bad)}: ignored with one warning, the default deadline, no crash`, async () => {
    const r = await detect({ pm_id: '0', kill_timeout: bad });
    assert.equal(r.deadlineMs, 25_000);
    assert.equal(r.deadlineSource.source, 'default');
    assert.equal(r.stderr.match(/not a usable grace period/g)?.length, 1, r.stderr);
  });
}

test('LASTCALL_PLATFORM naming no row: ignored with one warning', async () => {
  const r = await detect({ LASTCALL_PLATFORM: 'openshift' });
  assert.equal(r.stderr.match(/LASTCALL_PLATFORM="openshift" is not one of/g)?.length, 1);
});

// systemd: the unit from this process's cgroup, its TimeoutStopUSec from `systemctl show`.
async function fakeSystemd(t, cgroup, script) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lastcall-systemd-'));
  await writeFile(path.join(dir, 'cgroup'), cgroup);
  await writeFile(path.join(dir, 'systemctl'), `#!/bin/sh\necho "$@" > "${dir}/args"\n${script}\n`);
  await chmod(path.join(dir, 'systemctl'), 0o755);
  const probe = { cgroupPath: path.join(dir, 'cgroup'), dockerenvPath: path.join(dir, 'no-dockerenv') };
  const env = { PATH: `${dir}:${process.env.PATH}` };
  const args = async () =>
    (await import('node:fs/promises')).readFile(path.join(dir, 'args'), 'utf8').then((s) => s.trim());
  return { result: normalizePlatformDeadline(env, probe), args };
}

test('systemd: the unit named by /proc/self/cgroup (v2), its TimeoutStopUSec "1min 30s" → 90 s − 1 s', async (t) => {
  const { result, args } = await fakeSystemd(t, '0::/system.slice/api.service\n', 'echo "1min 30s"');
  assert.deepEqual(result.source, { source: 'systemd', detail: 'api.service', platformMs: 90_000, marginMs: 1000 });
  assert.equal(result.deadlineMs, 89_000);
  assert.equal(await args(), 'show -p TimeoutStopUSec --value api.service');
});

test('systemd: a user unit is read from the user manager (--user); cgroup v1 name=systemd works too', async (t) => {
  const user = await fakeSystemd(
    t,
    '0::/user.slice/user-1000.slice/user@1000.service/app.slice/worker.service\n',
    'echo 500ms',
  );
  assert.equal(await user.args(), '--user show -p TimeoutStopUSec --value worker.service');
  assert.deepEqual([user.result.deadlineMs, user.result.source.marginMs], [400, 100]);
  const v1 = await fakeSystemd(t, '9:name=systemd:/system.slice/legacy.service\n0::/\n', 'echo 20s');
  assert.equal(v1.result.source.detail, 'legacy.service');
  assert.equal(v1.result.deadlineMs, 19_000);
});

test('systemd: a login scope or a container root is not a unit: systemctl is never run', async (t) => {
  const scope = await fakeSystemd(t, '0::/user.slice/user-1000.slice/session-2.scope\n', 'echo 5s');
  assert.notEqual(scope.result.source.source, 'systemd');
  await assert.rejects(scope.args(), { code: 'ENOENT' });
});

for (const [printed, why] of [
  ['infinity', 'TimeoutStopSec=infinity'],
  ['0', 'ignored'],
  ['soon', 'ignored'],
]) {
  test(`systemd printing ${JSON.stringify(printed)}: the default deadline (${why}), never a throw`, async (t) => {
    const { result } = await fakeSystemd(t, '0::/system.slice/api.service\n', `echo ${printed}`);
    assert.equal(result.deadlineMs, undefined);
    assert.equal(result.source.source, 'default');
    assert.match(result.source.detail, new RegExp(why));
    assert.equal(result.warning === undefined, printed === 'infinity');
  });
}

test('systemd: a systemctl that fails or hangs costs at most about a second and one warning', async (t) => {
  const failing = await fakeSystemd(t, '0::/system.slice/api.service\n', 'exit 1');
  assert.match(failing.result.warning, /could not be read/);
  const started = performance.now();
  const hanging = await fakeSystemd(t, '0::/system.slice/api.service\n', 'exec sleep 30');
  assert.ok(performance.now() - started < 10_000);
  assert.match(hanging.result.warning, /could not be read/);
});
