// spawnManaged({ handDownDeadline }): the child's environment carries the deadline it can finish
// inside (what close() allows between the stop signal and SIGKILL, minus a margin), replacing an
// inherited one; a child using lastcall with defaults then closes before its parent must kill it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';
import { spawnManaged } from 'lastcall/process';

const PRINT =
  'console.log(JSON.stringify([process.env.LASTCALL_DEADLINE_MS, process.env.LASTCALL_PARENT_DEADLINE_MS]))';

async function childEnv(options) {
  const child = spawnManaged(process.execPath, ['-e', PRINT], {
    env: { ...process.env, LASTCALL_DEADLINE_MS: '60000' },
    ...options,
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  await once(child.stdout, 'end');
  await child.close();
  return { env: JSON.parse(out), childDeadlineMs: child.childDeadlineMs };
}

test('handDownDeadline: true gives termMs minus the margin, replacing the inherited LASTCALL_DEADLINE_MS', async () => {
  const { env, childDeadlineMs } = await childEnv({ termMs: 3000, handDownDeadline: true });
  assert.deepEqual(env, ['2700', '3000']);
  assert.equal(childDeadlineMs, 2700);
});

test('handDownDeadline: life bounds it by the lifecycle deadline after graceMs too', async () => {
  const life = createLifecycle({ signals: false, deadlineMs: 2000 });
  const { env } = await childEnv({ termMs: 5000, graceMs: 500, handDownDeadline: life });
  assert.deepEqual(env, ['1350', '1500']);
});

test('without handDownDeadline the environment is left as given', async () => {
  const { env, childDeadlineMs } = await childEnv({});
  assert.deepEqual(env, ['60000', null]);
  assert.equal(childDeadlineMs, undefined);
});

test(
  'a Node child with lifecycle defaults and a 5 s step, closed with termMs 1500 and handDownDeadline: it times out by itself, no SIGKILL',
  { timeout: 20_000 },
  async () => {
    const script = `
    import { createLifecycle } from 'lastcall';
    const life = createLifecycle({ logger: false });
    life.add('slow', { close: () => new Promise((r) => setTimeout(r, 5000)) });
    life.on('closed', (r) => console.log('OUTCOME ' + r.outcome + ' ' + r.deadlineSource.source));
    await life.start();
    setInterval(() => {}, 60_000);
    console.log('READY');`;
    const child = spawnManaged(process.execPath, ['--input-type=module', '-e', script], {
      graceMs: 0,
      termMs: 1500,
      handDownDeadline: true,
      env: { ...process.env, LASTCALL_PLATFORM: 'none' },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    while (!out.includes('READY')) await once(child.stdout, 'data');
    const result = await child.close();
    assert.notEqual(result.escalation, 'sigkill', out);
    assert.match(out, /OUTCOME timed-out parent/);
  },
);
