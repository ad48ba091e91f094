// examples/deploy builds and starts as shipped: the folder is installed as a Docker build would
// install it (package.json + lock, lastcall from the tarball `npm pack` writes into vendor/), the
// files fit together (COPY sources, numeric user for runAsNonRoot, the unit's PIDFile= is the file
// server.js holds), and the service runs from that install, under the unit's own command line.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { parseAllDocuments } from 'yaml';

import { checkDockerfile, checkUnit } from '../helpers/deploy-files.js';
import { guardiansOf, isAlive, waitForGuardians, waitUntil } from '../helpers/process.js';

const source = fileURLToPath(new URL('../../examples/deploy/', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (name) => readFileSync(path.join(source, name), 'utf8');
/** The folder as a build context, with lastcall installed from its packed tarball (npm ci --omit=dev). */
let app;

before(() => {
  app = mkdtempSync(path.join(tmpdir(), 'lastcall-deploy-'));
  cpSync(source, app, { recursive: true, filter: (file) => !/[/\\](node_modules|vendor)$/.test(file) });
  mkdirSync(path.join(app, 'vendor'));
  // dist/ is current (pretest); the documented step is the same command in a clone.
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', path.join(app, 'vendor')], {
    cwd: root,
    stdio: 'pipe',
  });
  execFileSync('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: app, stdio: 'pipe' });
});
after(() => rmSync(app, { recursive: true, force: true }));

test('the Dockerfile builds from its folder: every COPY source is there, every program it starts is in the image', () => {
  const { problems, from, user, argv } = checkDockerfile(read('Dockerfile'), { context: app });
  assert.deepEqual(problems, []);
  assert.equal(from, 'node:20-bookworm-slim', 'has /bin/sh and grep for the guardian');
  assert.match(user ?? '', /^[1-9]\d*(:\d+)?$/, 'a numeric, non-root USER');
  assert.deepEqual(argv, ['node', 'server.js'], 'exec form: node itself receives SIGTERM');
  const pkg = JSON.parse(read('package.json'));
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.dependencies.lastcall, `file:vendor/lastcall-${version}.tgz`, 'the file npm pack writes');
  assert.equal(
    JSON.parse(read('package-lock.json')).packages[''].dependencies.lastcall,
    pkg.dependencies.lastcall,
    'the lock matches',
  );
  assert.ok(existsSync(path.join(app, 'node_modules', 'lastcall', 'dist', 'index.js')), 'npm ci installed lastcall');
});

test("the Kubernetes manifests parse; the grace period outlasts the deadline; probes hit lastcall's paths; the user is numeric", () => {
  const docs = parseAllDocuments(read('deployment.yaml'));
  for (const doc of docs) assert.deepEqual(doc.errors, []);
  const [deployment, service] = docs.map((doc) => doc.toJS());
  assert.deepEqual([deployment.apiVersion, deployment.kind, service.kind], ['apps/v1', 'Deployment', 'Service']);
  assert.deepEqual(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels);
  const pod = deployment.spec.template.spec;
  const [app] = pod.containers;
  const deadlineMs = Number(app.env.find((e) => e.name === 'LASTCALL_DEADLINE_MS').value);
  assert.ok(pod.terminationGracePeriodSeconds * 1000 > deadlineMs, 'SIGKILL must come after the deadline');
  const ports = new Map(app.ports.map((p) => [p.name, p.containerPort]));
  assert.deepEqual(
    [...ports],
    [
      ['http', 8080],
      ['probes', 9000],
    ],
    'server.js defaults',
  );
  assert.deepEqual(
    [app.startupProbe, app.readinessProbe, app.livenessProbe].map((p) => [p.httpGet.path, p.httpGet.port]),
    [
      ['/startupz', 'probes'],
      ['/readyz', 'probes'],
      ['/livez', 'probes'],
    ],
  );
  assert.equal(service.spec.ports[0].targetPort, 'http');
  // The kubelet refuses runAsNonRoot with a non-numeric image USER unless runAsUser says who runs.
  const security = { ...pod.securityContext, ...app.securityContext };
  if (security.runAsNonRoot) {
    const imageUser = checkDockerfile(read('Dockerfile')).user ?? '';
    const numeric = Number.isInteger(security.runAsUser)
      ? security.runAsUser
      : /^\d+/.test(imageUser)
        ? Number.parseInt(imageUser, 10)
        : undefined;
    assert.ok(numeric !== undefined && numeric > 0, 'runAsNonRoot needs a numeric, non-zero runAsUser or image USER');
    if (Number.isInteger(security.runAsUser))
      assert.equal(String(security.runAsUser), imageUser.split(':')[0], 'the same user as the image');
  }
});

test('the systemd unit: KillMode=mixed, outlasts the deadline, a named User=, and PIDFile= is the file server.js holds', () => {
  const { sections, problems } = checkUnit(read('myapp.service'));
  assert.deepEqual(problems, []);
  const unit = Object.fromEntries(Object.entries(sections.Service).map(([key, values]) => [key, values.at(-1)]));
  assert.equal(unit.KillMode, 'mixed');
  assert.match(unit.ExecStart, /^\/usr\/bin\/node \S+\.js$/, 'absolute node, no shell or npm in between');
  const deadlineMs = Number(/LASTCALL_DEADLINE_MS=(\d+)/.exec(read('myapp.service'))[1]);
  assert.ok(Number(unit.TimeoutStopSec) * 1000 > deadlineMs);
  assert.equal(
    unit.PIDFile,
    `/run/${unit.RuntimeDirectory}/myapp.pid`,
    'in the RuntimeDirectory= systemd passes as $RUNTIME_DIRECTORY',
  );
});

/** Starts server.js of the installed folder; resolves once READY with its ports. */
async function startService(t, { argv = [process.execPath, path.join(app, 'server.js')], env = {}, cwd = app } = {}) {
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env: { ...process.env, PORT: '0', PROBES_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit');
  t.after(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  const [ready] = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    exited.then(() => assert.fail(`exited early: ${stderr}`)),
  ]);
  const [, http, probe] = /^READY http=(\d+) probes=(\d+)$/.exec(ready);
  return { child, http, probe, exited, stderr: () => stderr };
}

test(
  'the example service, installed as the Dockerfile installs it, serves, answers its probes, and exits 0 on SIGTERM',
  { timeout: 30_000 },
  async (t) => {
    const service = await startService(t);
    assert.equal(await (await fetch(`http://127.0.0.1:${service.http}/`)).text(), 'hello\n');
    assert.equal((await fetch(`http://127.0.0.1:${service.probe}/readyz`)).status, 200);
    service.child.kill('SIGTERM');
    assert.deepEqual(await service.exited, [0, null], service.stderr());
    assert.match(service.stderr(), /shutdown clean/);
  },
);

test(
  "the unit's ExecStart, run as systemd runs it: holds PIDFile=, refuses a second instance, removes the file on stop",
  { timeout: 30_000 },
  async (t) => {
    const { sections } = checkUnit(read('myapp.service'));
    const service = Object.fromEntries(Object.entries(sections.Service).map(([key, values]) => [key, values]));
    const workingDirectory = service.WorkingDirectory[0];
    // The unit's paths, moved to this machine: the install above for /srv/myapp, this node for /usr/bin/node.
    const argv = service.ExecStart[0]
      .split(' ')
      .map((arg) => (arg === '/usr/bin/node' ? process.execPath : arg.replace(workingDirectory, app)));
    const runtime = mkdtempSync(path.join(tmpdir(), 'lastcall-run-'));
    t.after(() => rmSync(runtime, { recursive: true, force: true }));
    const env = Object.fromEntries(service.Environment.map((entry) => entry.split('=')));
    env.RUNTIME_DIRECTORY = runtime;
    const pidFile = path.join(runtime, path.basename(service.PIDFile[0]));

    const first = await startService(t, { argv, env, cwd: app });
    assert.equal(
      readFileSync(pidFile, 'utf8'),
      `${first.child.pid}\n`,
      'the file PIDFile= names, with the PID systemd should track',
    );
    const second = spawnSync(argv[0], argv.slice(1), {
      cwd: app,
      env: { ...process.env, ...env, PORT: '0', PROBES_PORT: '0' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(second.status, 1);
    assert.match(second.stderr, /ERR_PIDFILE_HELD|is held by process/);
    first.child.kill('SIGTERM');
    assert.deepEqual(await first.exited, [0, null], first.stderr());
    assert.equal(existsSync(pidFile), false, 'removed on stop');
  },
);

test(
  'without /bin/sh (distroless) the guardian cannot start: one warning, and a SIGKILL leaves the child behind',
  { timeout: 60_000 },
  async (t) => {
    const probe = spawnSync('unshare', ['--mount', 'true']);
    if (probe.status !== 0) return t.skip('needs root and unshare (util-linux) to hide /bin/sh in a mount namespace');
    const fixture = fileURLToPath(new URL('../fixtures/deploy/no-shell.js', import.meta.url));
    const dir = mkdtempSync(path.join(tmpdir(), 'lastcall-noshell-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // In a private mount namespace: node stays reachable through a bind mount, then the directory of
    // /bin/sh (/usr/bin on Debian, where /bin links to it) is covered by an empty tmpfs.
    const hide =
      `bin=$(dirname "$(readlink -f /bin/sh)"); touch ${dir}/node && mount --bind ${process.execPath} ${dir}/node && ` +
      `mount -t tmpfs tmpfs "$bin" && exec ${dir}/node ${fixture}`;
    const survivor = await runAndKill(t, ['unshare', '--mount', 'sh', '-c', hide]);
    assert.equal(survivor.warnings, 'LASTCALL_NO_GUARDIAN');
    assert.equal(survivor.guardians, 0, 'no guardian process runs');
    assert.equal(survivor.alive, true, 'the child survives its SIGKILLed parent');
    // The control, with /bin/sh: the guardian removes the child.
    const guarded = await runAndKill(t, [process.execPath, fixture]);
    assert.deepEqual([guarded.warnings, guarded.guardians, guarded.alive], ['no-warning', 1, false]);
  },
);

/**
 * Runs the fixture, SIGKILLs it (an OOM kill) once READY, waits for its guardian (if any) to finish its
 * work, and says whether its child is still alive then.
 */
async function runAndKill(t, [command, ...args]) {
  const parent = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  parent.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(parent, 'exit');
  const [line] = await Promise.race([
    once(createInterface({ input: parent.stdout }), 'line'),
    exited.then(() => assert.fail(stderr)),
  ]);
  const [, childPid, warnings] = /^READY (\d+) (\S+)$/.exec(line);
  const alive = () => isAlive(Number(childPid));
  t.after(() => alive() && process.kill(Number(childPid), 'SIGKILL'));
  // `unshare … sh -c 'exec node …'`: the READY line comes from the parent's own pid.
  const guardians = guardiansOf(parent.pid);
  parent.kill('SIGKILL');
  await exited;
  // A guardian's rounds read all of /proc (seconds on a loaded box): wait for it to end, not for a time.
  assert.ok(await waitForGuardians(guardians), 'the guardian finished');
  // Then the child is gone at once (the guard absorbs /proc lag), or, with no guardian, nothing will end it.
  if (guardians.length > 0) await waitUntil(() => !alive(), 2000);
  return { warnings, guardians: guardians.length, alive: alive() };
}

test(
  'docker stop, reproduced in a PID namespace: exec form shuts down clean; shell form never passes SIGTERM on',
  { timeout: 30_000 },
  async (t) => {
    if (spawnSync('unshare', ['--pid', '--fork', 'true']).status !== 0)
      return t.skip('needs root and unshare (util-linux) for a PID namespace');
    const server = path.join(app, 'server.js');
    const env = { ...process.env, PORT: '0', PROBES_PORT: '0' };
    /** Starts `argv` as PID 1 of a new PID namespace (a container's main process); returns it once READY. */
    async function container(argv) {
      const outer = spawn('unshare', ['--pid', '--fork', '--kill-child', ...argv], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      outer.stderr.on('data', (chunk) => (stderr += chunk));
      const exited = once(outer, 'exit');
      t.after(() => outer.exitCode === null && outer.signalCode === null && outer.kill('SIGKILL'));
      await Promise.race([
        once(createInterface({ input: outer.stdout }), 'line'),
        exited.then(() => assert.fail(stderr)),
      ]);
      const pid1 = Number(readFileSync(`/proc/${outer.pid}/task/${outer.pid}/children`, 'utf8').trim());
      return { pid1, exited, stderr: () => stderr };
    }

    const exec = await container([process.execPath, server]); // CMD ["node", "server.js"]
    process.kill(exec.pid1, 'SIGTERM');
    assert.deepEqual(await exec.exited, [0, null]);
    assert.match(exec.stderr(), /shutdown clean/);

    const shell = await container(['/bin/sh', '-c', `${process.execPath} ${server}`]); // CMD node server.js
    process.kill(shell.pid1, 'SIGTERM');
    const outcome = await Promise.race([
      shell.exited,
      new Promise((resolve) => setTimeout(resolve, 2000, 'still running')),
    ]);
    assert.equal(
      outcome,
      'still running',
      'sh as PID 1 ignores SIGTERM: only the SIGKILL at the end of the grace period stops it',
    );
    assert.doesNotMatch(shell.stderr(), /shutting down/, 'node never saw SIGTERM');
  },
);
