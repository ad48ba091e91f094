/**
 * State shared by every copy of lastcall loaded in one process: its ESM and CommonJS builds are two
 * module instances, and an app may load both (an ESM service, a CommonJS dependency). The signals
 * and the exit must still have one owner, so that state lives on `globalThis` under a registry symbol.
 */
export function processWide<T extends object>(name: string, create: () => T): T {
  const holder = globalThis as unknown as Record<symbol, T | undefined>;
  const key = Symbol.for(`lastcall.v1.${name}`);
  return (holder[key] ??= create());
}
