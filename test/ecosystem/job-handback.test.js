// Recipes of docs/api.md ("Work that knows its budget"), against a real Redis: a BullMQ job that
// cannot finish before the drain ends is moved back to waiting (not left active for the stalled
// check), and a Kafka-style consumer commits only the messages it finished (an in-process stand-in
// for a Kafka partition: an array and a committed offset; KafkaJS is not installed here).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';

import { Queue, WaitingError, Worker } from 'bullmq';
import { createLifecycle } from 'lastcall';

import { startRedis } from '../helpers/servers.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test(
  'BullMQ: a job that cannot finish in time is moved back to waiting; the shutdown is clean',
  { timeout: 30_000 },
  async (t) => {
    const server = await startRedis();
    if (server.skip) return t.skip(server.skip);
    t.after(server.stop);
    const connection = { host: '127.0.0.1', port: server.port };
    const queue = new Queue('render', { connection });
    const life = createLifecycle({ signals: false, logger: false, deadlineMs: 10_000, drainTimeoutMs: 800 });
    const partsDone = [];
    // The recipe: work in parts; before each, ask for the time left; hand the job back if it will not fit.
    const worker = new Worker(
      'render',
      async (job, token) => {
        const handedBack = await life.track(async (signal, { remainingMs }) => {
          for (let part = job.data.from ?? 0; part < job.data.parts; part++) {
            if (remainingMs() < job.data.partMs * 2) {
              await job.updateData({ ...job.data, from: part });
              await job.moveToWait(token);
              return true;
            }
            await sleep(job.data.partMs);
            partsDone.push(part);
          }
          return false;
        });
        if (handedBack) throw new WaitingError();
        return 'done';
      },
      { connection },
    );
    life.add('worker', { drain: () => worker.pause(true), close: () => worker.close() }, { kind: 'consumer' });
    life.add('queue', queue);
    const job = await queue.add('video', { parts: 50, partMs: 100 });
    await once(worker, 'active');
    const report = await life.shutdown('test');
    assert.equal(report.outcome, 'clean', JSON.stringify(report.steps));
    assert.ok(partsDone.length > 0 && partsDone.length < 50, `${partsDone.length} parts done`);
    const check = new Queue('render', { connection });
    const again = await check.getJob(job.id);
    assert.equal(
      await again.getState(),
      'waiting',
      'back in the queue for the next worker, not active until the stalled check',
    );
    assert.equal(again.data.from, partsDone.length, 'it resumes where it stopped');
    await check.close();
  },
);

test('Kafka-style consumer: only finished messages are committed; the one handed back is read again', async () => {
  // A partition: messages by offset, and the committed offset (the next one to read), as Kafka keeps it.
  const partition = { messages: Array.from({ length: 20 }, (_, i) => ({ offset: i, costMs: 60 })), committed: 0 };
  const life = createLifecycle({ signals: false, logger: false, deadlineMs: 5000, drainTimeoutMs: 500 });
  const finished = [];
  // The consumer keeps working through the drain while its budget allows, as a batch consumer does.
  const loop = life.track(async (signal, { remainingMs }) => {
    for (;;) {
      const message = partition.messages[partition.committed];
      if (!message) return;
      // Not enough time for this message: leave it uncommitted; the next consumer reads it.
      if (remainingMs() < message.costMs * 2) return;
      await sleep(message.costMs);
      finished.push(message.offset);
      partition.committed = message.offset + 1; // commit after the work, never before
    }
  });
  life.add('consumer', { close: () => loop }, { kind: 'consumer' });
  await sleep(150);
  const report = await life.shutdown('test');
  await loop;
  assert.equal(report.outcome, 'clean');
  assert.ok(partition.committed > 0 && partition.committed < 20, `committed ${partition.committed}`);
  // Everything committed was finished, nothing finished is left uncommitted.
  assert.deepEqual(
    finished,
    Array.from({ length: partition.committed }, (_, i) => i),
  );
});
