// Issue 20 item 15: with a host that resolves to several addresses, Fastify listens on one server per
// address; every one of them is drained before the onClose hooks run.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { fixturesDir } from '../helpers/fixture.js';

const fixture = path.join(fixturesDir, 'fastify', 'bindings.js');

/** The fixture's command: as is when localhost has two addresses here, else in a mount namespace whose /etc/hosts gives it both. */
async function command(t) {
  const addresses = await lookup('localhost', { all: true });
  if (addresses.length > 1) return [process.execPath, [fixture]];
  const dir = mkdtempSync(path.join(tmpdir(), 'lastcall-hosts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const hosts = path.join(dir, 'hosts');
  writeFileSync(hosts, '127.0.0.1 localhost\n::1 localhost\n');
  const probe = spawnSync(
    'unshare',
    ['-m', 'sh', '-c', `mount --bind ${hosts} /etc/hosts && getent ahosts localhost`],
    { encoding: 'utf8' },
  );
  if (probe.status !== 0 || !probe.stdout.includes('::1')) return undefined;
  return [
    'unshare',
    ['-m', 'sh', '-c', `mount --bind "$0" /etc/hosts && exec "$1" "$2"`, hosts, process.execPath, fixture],
  ];
}

test(
  'lastcallFastify on localhost (127.0.0.1 and ::1): a request on the second binding is answered before onClose',
  { timeout: 30_000 },
  async (t) => {
    const cmd = await command(t);
    if (!cmd) {
      assert.notEqual(
        process.env.CI,
        'true',
        'localhost has one address and unshare -m is not allowed: cannot test two bindings',
      );
      return t.skip('localhost resolves to one address here and unshare -m is not allowed (util-linux, root)');
    }
    const child = spawn(cmd[0], cmd[1], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.stdout.on('data', (chunk) => (out += chunk));
    const waitFor = (re) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = re.exec(out);
          if (match) return resolve(match);
          if (child.exitCode !== null) reject(new Error(`fixture exited: ${err}`));
        };
        child.stdout.on('data', check);
        child.on('exit', check);
        check();
      });
    const [, json] = await waitFor(/^READY (.*)$/m);
    const addresses = JSON.parse(json);
    assert.equal(addresses.length, 2, json);
    const { port } = addresses[0];
    // A slow request on a secondary binding only (Fastify lists its own server, the primary, last).
    const answer = new Promise((resolve, reject) => {
      http
        .get({ host: addresses[0].address, port, path: '/slow', agent: false }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
        })
        .on('error', reject);
    });
    await waitFor(/^ARRIVED$/m);
    child.kill('SIGTERM');
    assert.equal(await answer, '200 slow');
    await once(child, 'close');
    const lines = out.split('\n');
    assert.ok(lines.indexOf('ANSWERED') !== -1 && lines.indexOf('ANSWERED') < lines.indexOf('ONCLOSE'), out);
    const report = JSON.parse(lines.find((line) => line.startsWith('REPORT ')).slice('REPORT '.length));
    assert.equal(report.outcome, 'clean', out);
  },
);
