// Logger shapes and diagnostics_channel events.
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { test } from 'node:test';

import { channelNames, createLifecycle } from 'lastcall';

test('a pino-compatible logger gets (obj, msg) calls: start, each failure, summary', async () => {
  const calls = [];
  const logger = Object.fromEntries(
    ['info', 'warn', 'error', 'debug'].map((level) => [level, (obj, msg) => calls.push({ level, obj, msg })]),
  );
  const life = createLifecycle({ signals: false, logger, stepTimeoutMs: 20, deadlineMs: 25000 });
  life.add('ok', { close() {} });
  life.add('bad', {
    close() {
      throw new Error('nope');
    },
  });
  life.add('stuck', { close: () => new Promise(() => {}) });
  await life.shutdown('test');
  const messages = calls.filter((c) => c.level !== 'debug').map((c) => `${c.level}: ${c.msg}`);
  assert.equal(messages[0], 'info: shutting down (test), deadline 25000 ms');
  assert.ok(messages.includes('error: step "bad" (close) failed: nope'));
  assert.ok(messages.some((m) => /^warn: step "stuck" \(close\) timed out after \d+ ms$/.test(m)));
  assert.match(
    messages.at(-1),
    /^warn: shutdown timed-out in \d+ ms \(exit 1\): 1 ok, 1 failed, 1 timed out, 0 skipped \(stuck \(close\) timed-out, bad \(close\) failed\)$/,
  );
  assert.equal(messages.length, 4);
  const failed = calls.find((c) => c.level === 'error' && c.msg.includes('"bad"'));
  assert.equal(failed.obj.err.message, 'nope');
  assert.equal(failed.obj.step, 'bad');
});

test('logger: false is silent; a throwing logger does not break shutdown', async () => {
  const life = createLifecycle({
    signals: false,
    logger: {
      info() {
        throw new Error('broken logger');
      },
    },
  });
  life.add('a', { close() {} });
  const original = process.stderr.write;
  process.stderr.write = () => true;
  try {
    const report = await life.shutdown();
    assert.equal(report.outcome, 'clean');
  } finally {
    process.stderr.write = original;
  }
});

test('diagnostics_channel: shutdown, each step start and end, closed', async () => {
  const seen = [];
  const subscribers = Object.entries(channelNames).map(([key, name]) => {
    const fn = (message) => seen.push([key, message.name ?? message.reason ?? message.report?.outcome]);
    diagnostics.subscribe(name, fn);
    return () => diagnostics.unsubscribe(name, fn);
  });
  const life = createLifecycle({ signals: false, logger: false });
  life.add('db', { close() {} });
  await life.shutdown('why');
  for (const unsubscribe of subscribers) unsubscribe();
  assert.deepEqual(seen, [
    ['shutdown', 'why'],
    ['stepStart', 'db'],
    ['step', 'db'],
    ['closed', 'clean'],
  ]);
});
