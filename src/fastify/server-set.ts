import type { Server as HttpServer } from 'node:http';

import { httpServer, type HttpServerHandle, type HttpServerOptions } from '../http/index.js';

/** The parts of a Fastify instance that show every server it listens on. */
interface BoundInstance {
  readonly server: HttpServer;
}

/**
 * Every server a Fastify instance listens on, each drained by its own `httpServer()`: with a host
 * that resolves to several addresses (`localhost`: 127.0.0.1 and ::1), Fastify listens once more
 * per address on secondary servers, which it keeps under its `fastify.serverBindings` symbol.
 * They are taken as soon as they listen (an onListen hook), and again when the drain begins.
 */
export class ServerSet {
  readonly #fastify: BoundInstance;
  readonly #options: HttpServerOptions | undefined;
  readonly #handles = new Map<HttpServer, HttpServerHandle>();

  constructor(fastify: BoundInstance, options: HttpServerOptions | undefined) {
    this.#fastify = fastify;
    this.#options = options;
    this.#handles.set(fastify.server, httpServer(fastify.server, options));
    const addHook = (fastify as { addHook?: (name: string, hook: (done: () => void) => void) => unknown }).addHook;
    if (typeof addHook !== 'function') return;
    try {
      addHook.call(fastify, 'onListen', (done) => {
        this.#adoptBindings();
        done();
      });
    } catch {
      // Fastify before 4.19 has no onListen hook: the bindings are taken when the drain begins.
    }
  }

  /** Runs `fn` on every server's handle (secondary ones found now too), concurrently. */
  async each(fn: (handle: HttpServerHandle) => Promise<void>): Promise<void> {
    this.#adoptBindings();
    await Promise.all([...this.#handles.values()].map(fn));
  }

  #adoptBindings(): void {
    const key = Object.getOwnPropertySymbols(this.#fastify).find(
      (symbol) => symbol.description === 'fastify.serverBindings',
    );
    const bindings = key === undefined ? undefined : (this.#fastify as unknown as Record<symbol, unknown>)[key];
    if (!Array.isArray(bindings)) return;
    for (const server of bindings as unknown[]) {
      if (server === null || typeof server !== 'object' || this.#handles.has(server as HttpServer)) continue;
      this.#handles.set(server as HttpServer, httpServer(server as HttpServer, this.#options));
    }
  }
}
