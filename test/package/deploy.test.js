// examples/deploy: the recipes README points to parse, say what README says, and the service runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const dir = new URL('../../examples/deploy/', import.meta.url);
const read = (name) => readFileSync(new URL(name, dir), 'utf8');

/** Dockerfile instructions as [keyword, argument], continuation lines joined, comments dropped. */
function instructions(text) {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => [l.split(/\s+/)[0].toUpperCase(), l.slice(l.split(/\s+/)[0].length).trim()]);
}

test('the Kubernetes manifests parse; the grace period outlasts the deadline; probes hit lastcall\'s paths', () => {
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
  assert.deepEqual([...ports], [['http', 8080], ['probes', 9000]], 'server.js defaults');
  assert.deepEqual(
    [app.startupProbe, app.readinessProbe, app.livenessProbe].map((p) => [p.httpGet.path, p.httpGet.port]),
    [['/startupz', 'probes'], ['/readyz', 'probes'], ['/livez', 'probes']],
  );
  assert.equal(service.spec.ports[0].targetPort, 'http');
});

test('the Dockerfile\'s CMD and ENTRYPOINT are exec-form (JSON arrays), so node receives SIGTERM', () => {
  const list = instructions(read('Dockerfile'));
  const launch = list.filter(([keyword]) => keyword === 'CMD' || keyword === 'ENTRYPOINT');
  assert.ok(launch.length > 0);
  for (const [keyword, argument] of launch) {
    const parsed = JSON.parse(argument); // shell form is not JSON
    assert.ok(Array.isArray(parsed) && parsed.every((a) => typeof a === 'string'), `${keyword} ${argument}`);
    assert.ok(!['sh', '/bin/sh', 'npm', 'yarn'].includes(parsed[0]), `${keyword} must start node itself`);
  }
  assert.equal(list.find(([keyword]) => keyword === 'FROM')[1], 'node:20-bookworm-slim', 'has /bin/sh and grep for the guardian');
});

test('the systemd unit uses KillMode=mixed and outlasts the deadline', () => {
  const unit = Object.fromEntries(read('myapp.service').split('\n').filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.equal(unit.KillMode, 'mixed');
  assert.match(unit.ExecStart, /^\/usr\/bin\/node \S+\.js$/, 'absolute node, no shell or npm in between');
  const deadlineMs = Number(/LASTCALL_DEADLINE_MS=(\d+)/.exec(read('myapp.service'))[1]);
  assert.ok(Number(unit.TimeoutStopSec) * 1000 > deadlineMs);
});

test('the example service serves, answers its probes, and exits 0 on SIGTERM with a clean shutdown', { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, ['server.js'], { cwd: dir, env: { ...process.env, PORT: '0', PROBES_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const [ready] = await Promise.race([once(lines, 'line'), exited.then(() => assert.fail(`exited early: ${stderr}`))]);
  const [, http, probe] = /^READY http=(\d+) probes=(\d+)$/.exec(ready);
  assert.equal(await (await fetch(`http://127.0.0.1:${http}/`)).text(), 'hello\n');
  assert.equal((await fetch(`http://127.0.0.1:${probe}/readyz`)).status, 200);
  child.kill('SIGTERM');
  assert.deepEqual(await exited, [0, null], stderr);
  assert.match(stderr, /shutdown clean/);
});

test('without /bin/sh (distroless) the guardian cannot start: one warning, and a SIGKILL leaves the child behind', { timeout: 30_000 }, async (t) => {
  const probe = spawnSync('unshare', ['--mount', 'true']);
  if (probe.status !== 0) return t.skip('needs root and unshare (util-linux) to hide /bin/sh in a mount namespace');
  const fixture = fileURLToPath(new URL('../fixtures/deploy/no-shell.js', import.meta.url));
  const dir = mkdtempSync(path.join(tmpdir(), 'lastcall-noshell-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // In a private mount namespace: node stays reachable through a bind mount, then the directory of
  // /bin/sh (/usr/bin on Debian, where /bin links to it) is covered by an empty tmpfs.
  const hide = `bin=$(dirname "$(readlink -f /bin/sh)"); touch ${dir}/node && mount --bind ${process.execPath} ${dir}/node && ` +
    `mount -t tmpfs tmpfs "$bin" && exec ${dir}/node ${fixture}`;
  const survivor = await runAndKill(t, ['unshare', '--mount', 'sh', '-c', hide]);
  assert.equal(survivor.warnings, 'LASTCALL_NO_GUARDIAN');
  assert.equal(survivor.alive, true, 'the child survives its SIGKILLed parent');
  // The control, with /bin/sh: the guardian removes the child.
  const guarded = await runAndKill(t, [process.execPath, fixture]);
  assert.deepEqual([guarded.warnings, guarded.alive], ['no-warning', false]);
});

/** Runs the fixture, SIGKILLs it (an OOM kill) once READY, and says whether its child is still alive 2 s later. */
async function runAndKill(t, [command, ...args]) {
  const parent = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  parent.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(parent, 'exit');
  const [line] = await Promise.race([once(createInterface({ input: parent.stdout }), 'line'), exited.then(() => assert.fail(stderr))]);
  const [, childPid, warnings] = /^READY (\d+) (\S+)$/.exec(line);
  const alive = () => {
    try {
      process.kill(Number(childPid), 0);
      return true;
    } catch {
      return false;
    }
  };
  t.after(() => alive() && process.kill(Number(childPid), 'SIGKILL'));
  parent.kill('SIGKILL');
  await exited;
  // A guardian acts within milliseconds; give it ample time before calling the child a survivor.
  for (let waited = 0; waited < 2000 && alive(); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  return { warnings, alive: alive() };
}

test('docker stop, reproduced in a PID namespace: exec form shuts down clean; shell form never passes SIGTERM on', { timeout: 30_000 }, async (t) => {
  if (spawnSync('unshare', ['--pid', '--fork', 'true']).status !== 0) return t.skip('needs root and unshare (util-linux) for a PID namespace');
  const server = fileURLToPath(new URL('server.js', dir));
  const env = { ...process.env, PORT: '0', PROBES_PORT: '0' };
  /** Starts `argv` as PID 1 of a new PID namespace (a container's main process); returns it once READY. */
  async function container(argv) {
    const outer = spawn('unshare', ['--pid', '--fork', '--kill-child', ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    outer.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = once(outer, 'exit');
    t.after(() => outer.exitCode === null && outer.signalCode === null && outer.kill('SIGKILL'));
    await Promise.race([once(createInterface({ input: outer.stdout }), 'line'), exited.then(() => assert.fail(stderr))]);
    const pid1 = Number(readFileSync(`/proc/${outer.pid}/task/${outer.pid}/children`, 'utf8').trim());
    return { pid1, exited, stderr: () => stderr };
  }

  const exec = await container([process.execPath, server]); // CMD ["node", "server.js"]
  process.kill(exec.pid1, 'SIGTERM');
  assert.deepEqual(await exec.exited, [0, null]);
  assert.match(exec.stderr(), /shutdown clean/);

  const shell = await container(['/bin/sh', '-c', `${process.execPath} ${server}`]); // CMD node server.js
  process.kill(shell.pid1, 'SIGTERM');
  const outcome = await Promise.race([shell.exited, new Promise((resolve) => setTimeout(resolve, 2000, 'still running'))]);
  assert.equal(outcome, 'still running', 'sh as PID 1 ignores SIGTERM: only the SIGKILL at the end of the grace period stops it');
  assert.doesNotMatch(shell.stderr(), /shutting down/, 'node never saw SIGTERM');
});
