// Business code shared by both variants: the job queue and the HTTP API in front of the runner.
// A job stays pending until the runner reports it started, so a runner that crashes on a job gets it
// again after a restart (at-least-once delivery).
export function createJobQueue() {
  const pending = [];
  let nextId = 1;
  return {
    add: (kind) => pending.push({ id: nextId++, kind }),
    /** An operator drops what is pending (the poisoned job). */
    clear: () => pending.splice(0),
    /** Sends every pending job to a runner that just said ready. */
    deliver: (send) => pending.forEach((job) => send({ type: 'job', job })),
    started: (id) => {
      const at = pending.findIndex((job) => job.id === id);
      if (at >= 0) pending.splice(at, 1);
    },
  };
}

/** The API's request handler: POST /jobs?kind=…, POST /jobs/clear, GET /health. */
export function apiHandler(queue, { onJob, status }) {
  return (req, res) => {
    const url = new URL(req.url, 'http://api');
    if (req.method === 'GET' && url.pathname === '/health') {
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status()));
    }
    if (req.method === 'POST' && url.pathname === '/jobs/clear') {
      queue.clear();
      return res.writeHead(204).end();
    }
    if (req.method === 'POST' && url.pathname === '/jobs') {
      queue.add(url.searchParams.get('kind') ?? 'normal');
      onJob();
      return res.writeHead(202).end();
    }
    res.writeHead(404).end();
  };
}

export const runnerPath = new URL('./runner.js', import.meta.url).pathname;
