// Real PostgreSQL and Redis servers for the ecosystem tests, each in a temp dir on a free loopback
// port, stopped after the test. Missing binaries skip the test with the package to install, except
// under CI=true, where .ci/run installs them and a missing one is a failure.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { missingPackage } from './packages.js';

export async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const missing = missingPackage;

async function waitUntil(check, what, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what} did not start in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const canConnect = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });

/** Starts redis-server; resolves { port, url, stop } or { skip } when it is not installed. */
export async function startRedis() {
  const skip = missing('/usr/bin/redis-server', 'redis-server');
  if (skip) return { skip };
  const port = await freePort();
  const child = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await waitUntil(() => canConnect(port), 'redis-server');
  return { port, url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** Starts a throwaway PostgreSQL cluster (as user postgres when run as root). */
export async function startPostgres() {
  const version = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().at(-1) : undefined;
  const bin = version && `/usr/lib/postgresql/${version}/bin`;
  const skip = missing(bin && `${bin}/initdb`, 'postgresql');
  if (skip) return { skip };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lastcall-pg-'));
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'postgres' : os.userInfo().username;
  if (asRoot) chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  // initdb and postgres refuse to run as root: run them as postgres, signalled directly (no runuser between).
  const as = asRoot ? { uid: uidOf('postgres'), gid: gidOf('postgres'), cwd: dir } : {};
  const init = spawnSync(`${bin}/initdb`, ['-D', `${dir}/data`, '-A', 'trust', '-U', user], {
    encoding: 'utf8',
    ...as,
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const args = ['-D', `${dir}/data`, '-p', String(port), '-h', '127.0.0.1', '-k', dir];
  const child = spawn(`${bin}/postgres`, args, { stdio: 'ignore', ...as });
  // The port opens before recovery ends ("the database system is starting up"): ask the server.
  const ready = () => spawnSync(`${bin}/pg_isready`, ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0;
  await waitUntil(async () => (await canConnect(port)) && ready(), 'postgres');
  const url = `postgres://${user}@127.0.0.1:${port}/postgres`;
  return {
    port,
    url,
    stop: async () => {
      await stopChild(child, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const uidOf = (name) => Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim());
const gidOf = (name) => Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());

function stopChild(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => resolve(clearTimeout(timer)));
    child.kill(signal);
  });
}
