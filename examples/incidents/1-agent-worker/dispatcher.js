// The peer: a job dispatcher over HTTP that workers long-poll. It records every job it hands out and
// every job reported done, so the runner can count work taken after SIGTERM and work lost.
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** Starts the dispatcher on 127.0.0.1:0. Jobs come from `publish()`, or endlessly after `openBacklog()`. */
export async function startDispatcher({ jobMs }) {
  const events = new EventEmitter();
  const queue = [];
  const parked = new Set(); // long-polls waiting for a job
  const handed = new Map(); // job id → performance.now() when handed out
  const done = new Set();
  const workers = new Set();
  let nextId = 1;
  let backlog = false;

  const newJob = () => ({ id: nextId++, prompt: `summarise ticket #${4000 + nextId}`, durationMs: jobMs });
  const hand = (res, job) => {
    handed.set(job.id, performance.now());
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(job));
    events.emit('handed', job);
  };
  const serveParked = () => {
    for (const res of parked) {
      const job = queue.shift() ?? (backlog ? newJob() : undefined);
      if (!job) return;
      parked.delete(res);
      hand(res, job);
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://dispatcher');
    if (req.method === 'POST' && url.pathname === '/workers') {
      const id = `worker-${workers.size + 1}`;
      workers.add(id);
      return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    }
    if (req.method === 'DELETE' && url.pathname.startsWith('/workers/')) {
      workers.delete(url.pathname.slice('/workers/'.length));
      events.emit('deregistered');
      return res.writeHead(204).end();
    }
    if (req.method === 'GET' && url.pathname === '/jobs/next') {
      const job = queue.shift() ?? (backlog ? newJob() : undefined);
      if (job) return hand(res, job);
      parked.add(res);
      res.on('close', () => {
        if (parked.delete(res)) events.emit('poll-closed');
      });
      return events.emit('parked', parked.size);
    }
    const doneMatch = /^\/jobs\/(\d+)\/done$/.exec(url.pathname);
    if (req.method === 'POST' && doneMatch) {
      done.add(Number(doneMatch[1]));
      return res.writeHead(204).end();
    }
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    events,
    get parkedPolls() {
      return parked.size;
    },
    publish(count) {
      for (let i = 0; i < count; i++) queue.push(newJob());
      serveParked();
    },
    /** From now on every poll gets a job at once: new work keeps arriving, as it did in production. */
    openBacklog() {
      backlog = true;
      serveParked();
    },
    handedAfter: (atMs) => [...handed.values()].filter((t) => t > atMs).length,
    lost: () => [...handed.keys()].filter((id) => !done.has(id)).length,
    registered: () => workers.size,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
