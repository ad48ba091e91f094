import type { Socket } from 'node:net';

import { registerAdapter } from '../core/adapters.js';
import { lifecycleHooks, type ResourceHooks } from '../core/types.js';
import { type AnyHttpServer, httpServer, isTracked, trackerOf } from './http-server.js';
import { closeWebSockets } from './websocket-close.js';

interface FastifyShape {
  server: AnyHttpServer;
  close(): PromiseLike<unknown>;
}

/**
 * `life.add(name, server)` with a raw http/https/http2 server or a Fastify instance gets the drain
 * of `httpServer(server)`, WebSockets closed with 1001. The core calls this (registered when
 * lastcall/http loads; the core loads it the first time such a server is added).
 */
function adaptServer(resource: object, early: ReadonlySet<object>): ResourceHooks | undefined {
  const fastify = isFastify(resource) ? resource : undefined;
  const server = fastify?.server ?? (resource as AnyHttpServer);
  // Passed to httpServer() already: its handle is the step; this one only closes it.
  if (isTracked(server)) return undefined;
  const handle = httpServer(server, { onUpgraded: () => closeWebSockets(tracker) });
  const tracker = trackerOf.get(handle) as NonNullable<ReturnType<typeof trackerOf.get>>;
  for (const socket of early) tracker.accept(socket as Socket);
  const own = handle[lifecycleHooks]();
  if (fastify === undefined) return own;
  return {
    ...own,
    close: async (signal) => {
      try {
        await handle.close(signal);
      } finally {
        await fastify.close(); // the listener is already closed: this runs the instance's onClose hooks
      }
    },
  };
}

function isFastify(resource: object): resource is FastifyShape {
  const server = (resource as { server?: unknown }).server;
  return (
    typeof server === 'object' && server !== null && typeof (resource as { inject?: unknown }).inject === 'function'
  );
}

registerAdapter(adaptServer);
