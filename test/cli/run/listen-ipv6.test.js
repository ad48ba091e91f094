// `lastcall run --listen` on IPv6: `tcp:[::1]:0` (or bare `[::1]:0`) binds the loopback, `tcp:[::]:<port>`
// every interface (IPv4 too, unless net.ipv6.bindv6only), the child serves on the fd it is handed, the
// report and the "listening on" line show the address in brackets; an unbracketed or bad address is a
// usage error (exit 2), not a failed bind.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import test from 'node:test';

import { get as httpGet } from '../../helpers/http.js';
import { FIXTURES, NODE, readJson, runToEnd, startRun, tempDir } from '../../helpers/run.js';

const SERVICE = path.join(FIXTURES, 'listen', 'node-service.mjs');

const noLoopback6 = await new Promise((resolve) => {
  const server = net.createServer();
  server.once('error', (error) => resolve(`this box has no IPv6 loopback (${error.code})`));
  server.listen(0, '::1', () => server.close(() => resolve(false)));
});

/** The body of GET / on `host`: the pid that answered. */
const get = async (host, port) => (await httpGet(port, '/', { host, agent: false })).body.trim();

async function serve(t, spec) {
  const report = path.join(tempDir(t), 'r.json');
  const run = startRun(['--listen', spec, '--ready', 'log:^READY', '--report', report, '--', NODE, SERVICE]);
  const [, bound, port] = await run.waitFor(/listening on (\[[0-9a-f:]+\]):(\d+) /);
  const [, pid] = await run.waitFor(/READY (\d+)/);
  return { run, report, bound, port: Number(port), pid };
}

test(
  '[::1]:0 (bare) and v6=tcp:[::1]:0: the child serves over IPv6 on the socket it is handed',
  { skip: noLoopback6 },
  async (t) => {
    for (const [spec, name] of [
      ['[::1]:0', 'tcp'],
      ['v6=tcp:[::1]:0', 'v6'],
    ]) {
      const { run, report, bound, port, pid } = await serve(t, spec);
      assert.equal(bound, '[::1]');
      assert.equal(await get('::1', port), pid);
      run.signal('SIGTERM');
      assert.equal((await run.exited).code, 0, run.stderr);
      assert.deepEqual(readJson(report).listen, [{ spec: 'tcp:[::1]:0', name, bound: `[::1]:${port}`, childFd: 3 }]);
    }
  },
);

test('tcp:[::]:<port>: every interface, IPv6 and (dual stack) IPv4', { skip: noLoopback6 }, async (t) => {
  const { run, bound, port, pid } = await serve(t, 'tcp:[::]:0');
  assert.equal(bound, '[::]');
  assert.equal(await get('::1', port), pid);
  if (readFileSync('/proc/sys/net/ipv6/bindv6only', 'utf8').trim() === '0')
    assert.equal(await get('127.0.0.1', port), pid);
  run.signal('SIGTERM');
  assert.equal((await run.exited).code, 0, run.stderr);
});

test('IPv6 usage errors: one line, exit 2, before any bind', async () => {
  const cases = [
    ['tcp:::1:8080', /an IPv6 address goes in brackets \(\[::1\]\)/],
    ['tcp:[1:2]:0', /"1:2" in brackets is not an IPv6 address/],
    ['tcp:[::1]', /a port from 0 to 65535/],
    ['[::1]:70000', /a port from 0 to 65535/],
    ['udp:[::1]:53', /an unknown kind/],
  ];
  for (const [spec, message] of cases) {
    const r = await runToEnd(['--listen', spec, '--', 'true']);
    assert.equal(r.code, 2, `${spec}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
