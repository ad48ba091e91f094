import { createRequire } from 'node:module';

interface Builtins {
  'node:child_process': typeof import('node:child_process');
  'node:fs': typeof import('node:fs');
  'node:worker_threads': typeof import('node:worker_threads');
}

/**
 * A Node builtin looked up when first needed, not imported: the ESM import of node:fs reads its
 * `promises` and stream getters (loading fs/promises and the stream modules), and node:child_process
 * loads net and friends; together about 5 ms and 3 MiB that every `import('lastcall')` paid for
 * code most services never run. A builtin cannot fail to load, so this is safe on any path.
 */
export function loadBuiltin<K extends keyof Builtins>(id: K): Builtins[K] {
  const get = (process as { getBuiltinModule?: (id: K) => Builtins[K] }).getBuiltinModule;
  // process.getBuiltinModule: Node >= 20.16; before it, CommonJS require (no ESM facade either).
  return get ? get(id) : (createRequire(process.execPath)(id) as Builtins[K]);
}
