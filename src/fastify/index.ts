import type { Server as HttpServer } from 'node:http';

import type { Lifecycle } from '../core/types.js';
import { InvalidOptionError } from '../errors.js';
import { type HttpServerOptions, type ProbePaths, probes } from '../http/index.js';
import { validateOptions, validateStringArray } from '../internal/validate.js';
import { ServerSet } from './server-set.js';

/** What the plugin needs of a Fastify instance (4 or 5); typed structurally so lastcall needs no fastify types. */
export interface FastifyLike {
  readonly server: HttpServer;
  close(): PromiseLike<unknown>;
  get(path: string, handler: (request: { raw: unknown }, reply: FastifyReplyLike) => unknown): unknown;
}
interface FastifyReplyLike {
  readonly raw: unknown;
  hijack(): unknown;
}

export interface LastcallFastifyOptions {
  /** The lifecycle that owns the server. Required. */
  lifecycle: Lifecycle;
  /** Step name. Default `'http'`. */
  name?: string;
  /** Steps the server closes before (e.g. `['db']`): its requests use them. Default none. */
  dependsOn?: string[];
  /** The step's timeout (drain and close), clamped to the deadline. Default: the lifecycle's. */
  timeoutMs?: number;
  /** Passed to `httpServer()`: `onUpgraded` (close WebSockets with 1001), `reuseGraceMs`. */
  http?: HttpServerOptions;
  /** Serve `/livez`, `/readyz`, `/startupz` as routes (`true`, or the paths). Default false. */
  probes?: boolean | ProbePaths;
}

const OPTIONS = ['lifecycle', 'name', 'dependsOn', 'timeoutMs', 'http', 'probes'];

/**
 * A Fastify plugin (no fastify-plugin needed: it sets the same skip-override symbol) that makes the
 * instance's server a lifecycle step with `httpServer()`'s drain: in-flight and keep-alive requests
 * are answered with `Connection: close` rather than 503, then `fastify.close()` runs the instance's
 * `onClose` hooks (database plugins) after the last request. Register it before `listen()`.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async: Fastify reads it as a promise-style plugin, and a throw becomes a rejection
export async function lastcallFastify(fastify: FastifyLike, options: LastcallFastifyOptions): Promise<void> {
  validateOptions(options, OPTIONS, 'lastcallFastify');
  const life = (options as Partial<LastcallFastifyOptions> | undefined)?.lifecycle;
  if (!life || typeof life.add !== 'function') {
    throw new InvalidOptionError('lifecycle', 'a lifecycle from createLifecycle()', life);
  }
  if (options.dependsOn !== undefined) validateStringArray('dependsOn', options.dependsOn);
  const servers = new ServerSet(fastify, options.http);
  if (options.probes) {
    const paths = options.probes === true ? undefined : options.probes;
    const answer = probes.handler(life, paths ? { paths } : {});
    for (const path of probePaths(paths)) {
      fastify.get(path, (request, reply) => {
        reply.hijack();
        answer(request.raw as never, reply.raw as never);
      });
    }
  }
  life.add(
    options.name ?? 'http',
    {
      drain: (signal: AbortSignal) => servers.each((handle) => handle.drain(signal)),
      close: async (signal: AbortSignal) => {
        try {
          await servers.each((handle) => handle.close(signal));
        } finally {
          await fastify.close(); // the listener is already closed: this runs onClose hooks
        }
      },
    },
    {
      ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    },
  );
}

function probePaths(paths: ProbePaths | undefined): string[] {
  return [paths?.liveness ?? '/livez', paths?.readiness ?? '/readyz', paths?.startup ?? '/startupz'];
}

// What fastify-plugin sets: the plugin decorates the parent instance instead of a child context.
Object.assign(lastcallFastify, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'lastcall',
  [Symbol.for('plugin-meta')]: { name: 'lastcall', fastify: '>=4' },
});
