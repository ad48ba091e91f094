// lastcall/process: holdListeningSockets() (never accepts), spawnManaged({ listenFds }) (fds 3.., the
// child's own LISTEN_PID), Supervisor#replace() (the replaced child's exit restarts nothing).
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { ListenError } from 'lastcall';
import { holdListeningSockets, spawnManaged, supervise } from 'lastcall/process';

const output = async (child) => {
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (text += c));
  await child.waitForExit();
  return text;
};

test('the held socket queues connections and nobody in this process accepts them', async () => {
  const [socket] = await holdListeningSockets([{ kind: 'tcp', host: '127.0.0.1', port: 0, name: 'web' }]);
  assert.equal(socket.name, 'web');
  const port = Number(socket.bound.split(':').at(-1));
  const client = net.connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => client.once('connect', resolve).once('error', reject));
  // A child on the socket accepts the queued connection: it was waiting for an accept() all along.
  const child = spawnManaged(
    'python3',
    ['-c', 'import socket; s = socket.socket(fileno=3); c, _ = s.accept(); c.sendall(b"hi"); c.close()'],
    { stdio: ['ignore', 'pipe', 'inherit'], listenFds: [socket] },
  );
  let data = '';
  const closed = new Promise((resolve) => client.once('close', resolve));
  client.setEncoding('utf8').on('data', (c) => (data += c));
  await child.waitForExit();
  await closed;
  assert.equal(data, 'hi');
});

test('a taken port rejects with ListenError naming it', async (t) => {
  const taken = net.createServer().listen(0, '127.0.0.1');
  t.after(() => taken.close());
  await new Promise((r) => taken.once('listening', r));
  const { port } = taken.address();
  await assert.rejects(
    holdListeningSockets([{ kind: 'tcp', host: '127.0.0.1', port }]),
    (e) =>
      e instanceof ListenError &&
      e.code === 'ERR_LISTEN' &&
      e.errno === 'EADDRINUSE' &&
      e.address === `tcp:127.0.0.1:${port}`,
  );
});

test("listenFds: LISTEN_PID is the child's own pid, LISTEN_FDS and LISTEN_FDNAMES match, fd 3 is the socket", async () => {
  const sockets = await holdListeningSockets([
    { kind: 'tcp', host: '127.0.0.1', port: 0, name: 'a' },
    { kind: 'tcp', host: '127.0.0.1', port: 0 },
  ]);
  const child = spawnManaged(
    'sh',
    ['-c', 'echo "$LISTEN_PID $LISTEN_FDS $LISTEN_FDNAMES $(readlink /proc/self/fd/3 | cut -d: -f1)"'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LISTEN_PID: '1' },
      listenFds: sockets.map(({ fd, name }) => ({ fd, name })),
    },
  );
  assert.equal((await output(child)).trim(), `${child.pid} 2 a:tcp socket`);
});

test("Supervisor#replace: the new child is current and ready; the old one's exit emits nothing and restarts nothing", async () => {
  const long = () => spawnManaged('sleep', ['30'], { stdio: 'ignore', graceMs: 0 });
  const sup = supervise(long, { restart: 'always', initialMs: 10, maxMs: 10 });
  const spawned = [];
  const exits = [];
  sup.on('spawn', (c) => spawned.push(c.pid));
  sup.on('exit', (e) => exits.push(e));
  await sup.waitForReady();
  const next = long();
  const old = sup.replace(next);
  assert.equal(sup.child, next);
  assert.equal(sup.ready, true);
  assert.equal(old.pid, spawned[0]);
  await old.close();
  await new Promise((r) => setTimeout(r, 100)); // a restart would come 10 ms after an 'exit'
  assert.deepEqual(exits, []);
  assert.deepEqual(spawned, [old.pid]);
  await sup.close();
  assert.equal(next.exited, true);
});

test('listenFds with ipc: the channel comes after the sockets and works through the shell', async () => {
  const [socket] = await holdListeningSockets([{ kind: 'tcp', host: '127.0.0.1', port: 0 }]);
  const child = spawnManaged(
    process.execPath,
    [
      '-e',
      'process.send({ fds: process.env.LISTEN_FDS, pid: process.env.LISTEN_PID === String(process.pid) }, () => process.exit(0))',
    ],
    { stdio: 'inherit', ipc: true, listenFds: [socket] },
  );
  const [message] = await new Promise((resolve) => child.process.once('message', (...args) => resolve(args)));
  assert.deepEqual(message, { fds: '1', pid: true });
  await child.waitForExit();
});
