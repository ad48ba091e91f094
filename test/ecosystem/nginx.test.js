// README's nginx recipe under a real nginx: three lastcall upstreams restarted back to back while
// eight keep-alive clients send GETs through nginx. The recipe loses no request; the configuration
// it replaces (passive checks, max_fails=1 fail_timeout=10s) is measured beside it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { missingPackage } from '../helpers/packages.js';
import { freePort } from '../helpers/servers.js';

const NGINX = '/usr/sbin/nginx';
const backendScript = fileURLToPath(new URL('../fixtures/ecosystem/backend.js', import.meta.url));

/** The recipe's upstream block and proxy settings (README, "nginx"). */
const RECIPE = {
  server: 'max_fails=0',
  proxy: `proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;`,
};
const PASSIVE = { server: 'max_fails=1 fail_timeout=10s', proxy: '' };

function config(dir, port, backends, { server, proxy }) {
  return `daemon off;
user root root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  upstream app {
    ${backends.map((b) => `server 127.0.0.1:${b} ${server};`).join('\n    ')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      ${proxy}
    }
  }
}
`;
}

async function startBackend(port) {
  const child = spawn(process.execPath, [backendScript], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => (out += chunk).includes('READY') && resolve());
    child.once('exit', () => reject(new Error(`backend on ${port} exited before READY`)));
  });
  return child;
}

/** Closed-loop keep-alive clients; returns { stop(): Promise<{ ok, failed }> }. */
function load(port, clients) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const counts = { ok: 0, failed: 0 };
  let running = true;
  const one = () =>
    new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      });
      req.on('error', () => resolve(false));
    });
  const loops = Array.from({ length: clients }, async () => {
    while (running) counts[(await one()) ? 'ok' : 'failed']++;
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return counts;
    },
  };
}

/** Rolling restart under load: each upstream SIGTERMed, awaited, started again, one after another. */
async function rollingRestart(settings) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lastcall-nginx-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const nginxPort = await freePort();
  const backends = await Promise.all(ports.map(startBackend));
  await writeFile(path.join(dir, 'nginx.conf'), config(dir, nginxPort, ports, settings));
  const nginx = spawn(NGINX, ['-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], {
    stdio: 'inherit',
  });
  try {
    for (let i = 0; i < 200 && !(await reachable(nginxPort)); i++) await new Promise((r) => setTimeout(r, 25));
    const traffic = load(nginxPort, 8);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const [i, port] of ports.entries()) {
      backends[i].kill('SIGTERM');
      await once(backends[i], 'exit');
      backends[i] = await startBackend(port);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return await traffic.stop();
  } finally {
    nginx.kill('SIGQUIT');
    await once(nginx, 'exit');
    for (const backend of backends) backend.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

const reachable = (port) =>
  new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => resolve(res.resume() && true));
    req.on('error', () => resolve(false));
  });

test(
  'nginx recipe: three upstreams restarted back to back under load, no request lost',
  { timeout: 120_000 },
  async (t) => {
    const skip = missingPackage(NGINX, 'nginx');
    if (skip) return t.skip(skip);
    const passive = await rollingRestart(PASSIVE);
    const recipe = await rollingRestart(RECIPE);
    t.diagnostic(`max_fails=1 fail_timeout=10s: ${passive.failed} of ${passive.ok + passive.failed} requests failed`);
    t.diagnostic(`recipe: ${recipe.failed} of ${recipe.ok + recipe.failed} requests failed`);
    assert.ok(recipe.ok > 100, `the recipe served ${recipe.ok} requests`);
    assert.equal(recipe.failed, 0);
  },
);
