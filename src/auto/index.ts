/**
 * `node --import lastcall/auto app.js` (or `-r lastcall/auto`, or in NODE_OPTIONS): a lifecycle for
 * an app that was not written for lastcall. It is created from the environment (LASTCALL_* variables),
 * drains every server the app listens on, adopts the app's own stop-signal listeners as bounded
 * steps, defers their process.exit() until the report is final, and prints the report on stderr.
 */
import { isMainThread } from 'node:worker_threads';

import { createLifecycle } from '../core/lifecycle.js';
import { formatReport } from '../core/report.js';
import type { Lifecycle, Resource } from '../core/types.js';
import { type AnyHttpServer, httpServer } from '../http/index.js';
import { processWide } from '../internal/process-wide.js';
import { normalizeAutoEnabled, normalizeAutoOptions } from './env.js';
import { describeServer, type ListeningServer, watchServers } from './servers.js';
import { joinMainFromWorker, joinWorkersToMain } from './workers.js';

// Process-wide: loaded twice (--import and -r, or the ESM and CommonJS builds), it still makes one lifecycle.
const auto = processWide('auto', () => ({ lifecycle: createAutoLifecycle() }));

/** The lifecycle `lastcall/auto` created; undefined when LASTCALL_AUTO=0. Add the app's own steps to it. */
export const lifecycle: Lifecycle | undefined = auto.lifecycle;

function createAutoLifecycle(): Lifecycle | undefined {
  if (!normalizeAutoEnabled()) return undefined;
  if (!isMainThread) return createWorkerLifecycle();
  const life = createLifecycle({
    ...normalizeAutoOptions(),
    // Crashes stay Node's: an app that handles uncaughtException itself expects to keep running.
    handleErrors: false,
    // The table of steps after the summary line: which servers drained, which listeners ran, from where.
    onReport: (report) => void process.stderr.write(`${formatReport(report).split('\n').slice(1).join('\n')}\n`),
  });
  joinWorkersToMain(life);
  watchServers((server) => adoptServer(life, server));
  return life;
}

/**
 * In a worker thread no signal arrives and the exit is the main thread's: a quiet lifecycle whose
 * shutdown the main thread's drain begins (the pre-stop delay was the main thread's), and reports back.
 */
function createWorkerLifecycle(): Lifecycle {
  const life = createLifecycle({ ...normalizeAutoOptions(), signals: false, logger: false, preStopDelayMs: 0 });
  const main = joinMainFromWorker(life);
  watchServers((server) => {
    adoptServer(life, server);
    main.joined();
  });
  return life;
}

function adoptServer(life: Lifecycle, server: ListeningServer): void {
  if (life.state !== 'idle' && life.state !== 'running') return;
  const name = uniqueName(describeServer(server));
  let resource: Resource;
  try {
    // http, https and http2 servers get the full drain (keep-alive, in-flight, upgrades).
    resource = httpServer(server as AnyHttpServer);
  } catch (error) {
    // Passed to httpServer() by the app itself: its own lifecycle drains it.
    if ((error as { code?: unknown }).code !== 'ERR_NOT_A_SERVER') return;
    // Any other net server stops listening and waits for its connections, bounded by the step timeout.
    resource = { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }
  life.add(name, resource);
}

const names = new Set<string>();
function uniqueName(name: string): string {
  let candidate = name;
  for (let n = 2; names.has(candidate); n++) candidate = `${name} #${n}`;
  names.add(candidate);
  return candidate;
}
