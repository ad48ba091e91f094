import { processWide } from '../internal/process-wide.js';
import { recogniseKind } from './kinds.js';
import { lifecycleHooks, type ResourceHooks } from './types.js';

/** Turns a resource it recognises into hooks (lastcall/http: raw servers, Fastify instances). */
export type ResourceAdapter = (resource: object, early: ReadonlySet<object>) => ResourceHooks | undefined;

// Process-wide: lastcall/http loaded as ESM fills the registry its CommonJS copy reads, and back.
const registry = processWide('adapters', () => ({
  adapters: [] as ResourceAdapter[],
  load: undefined as (() => Promise<unknown>) | undefined,
}));

/**
 * Called by the package root with a loader of lastcall/http, so core never imports a module (the
 * root is the one place that knows them all) and `import('lastcall')` stays two files.
 */
export function setAdapterLoader(load: () => Promise<unknown>): void {
  registry.load ??= load;
}

/** Called by lastcall/http when it loads. */
export function registerAdapter(adapter: ResourceAdapter): void {
  if (!registry.adapters.includes(adapter)) registry.adapters.push(adapter);
}

/** What lastcall/http drains: Node's HTTP servers (plain net servers have no `timeout`) and Fastify instances. */
function isDrainableServer(resource: unknown): resource is object {
  try {
    if (resource === null || typeof resource !== 'object' || lifecycleHooks in resource) return false;
    const what = recogniseKind(resource)?.[1];
    return what === 'Fastify instance' || (what === 'net/http/https/http2 server' && 'timeout' in resource);
  } catch {
    return false; // a revoked Proxy: normalizeResource says so with a typed error
  }
}

/**
 * Hooks for a server added raw: the same drain as `httpServer(server)`. When lastcall/http is not
 * loaded yet it is loaded now (through the root's loader), and
 * connections accepted meanwhile are handed to it; the hooks wait for it. undefined: not a server.
 */
export function adaptResource(resource: unknown): ResourceHooks | undefined {
  if (!isDrainableServer(resource)) return undefined;
  const now = findHooks(resource, new Set());
  if (now !== undefined || registry.adapters.length > 0 || registry.load === undefined) return now;
  return deferredHooks(resource, registry.load);
}

function findHooks(resource: object, early: ReadonlySet<object>): ResourceHooks | undefined {
  for (const adapter of registry.adapters) {
    const hooks = adapter(resource, early);
    if (hooks !== undefined) return hooks;
  }
  return undefined;
}

type Emitter = {
  on(event: string, fn: (socket: object) => void): unknown;
  off(event: string, fn: (socket: object) => void): unknown;
};

function deferredHooks(resource: object, load: () => Promise<unknown>): ResourceHooks {
  const server = ((resource as { server?: unknown }).server ?? resource) as Emitter;
  const early = new Set<object>();
  const capture = (socket: object): void => void early.add(socket);
  server.on('connection', capture);
  let hooks: ResourceHooks | undefined;
  const ready = load().then(() => {
    server.off('connection', capture);
    hooks = findHooks(resource, early);
    if (hooks === undefined) throw new Error('lastcall/http did not recognise the server');
    return hooks;
  });
  ready.catch(() => server.off('connection', capture));
  return {
    drain: async (signal) => (await ready).drain?.(signal),
    close: async (signal) => (await ready).close?.(signal),
    describeOpen: () => hooks?.describeOpen?.(),
    requestCounts: () => hooks?.requestCounts?.(),
  };
}
