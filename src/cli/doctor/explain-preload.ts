// Preloaded into a Node service by `lastcall doctor --explain` (NODE_OPTIONS=--import). Harmless
// until asked: an unref'd poll for a trigger file doctor creates when the service outlives its stop
// signal; then it writes, once, what keeps the event loop alive. No listener, no output, no ref'd timer.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.LASTCALL_DOCTOR_EXPLAIN;

interface HandleLike {
  constructor?: { name?: string };
  localAddress?: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
  address?: () => unknown;
  pid?: number;
  spawnfile?: string;
}

function describeHandle(handle: HandleLike): string {
  const type = handle.constructor?.name ?? 'handle';
  if (typeof handle.remotePort === 'number')
    return `${type} ${handle.localAddress}:${handle.localPort} -> ${handle.remoteAddress}:${handle.remotePort}`;
  if (typeof handle.pid === 'number') return `child process ${handle.pid} (${handle.spawnfile ?? '?'})`;
  try {
    const address = typeof handle.address === 'function' ? handle.address() : undefined;
    const a = address as { address?: string; port?: number } | undefined;
    if (a && typeof a === 'object' && typeof a.port === 'number') return `${type} listening on ${a.address}:${a.port}`;
  } catch {
    // a handle without an address
  }
  return type;
}

function dump(): void {
  const getHandles = (process as unknown as { _getActiveHandles?: () => HandleLike[] })._getActiveHandles;
  const info = {
    pid: process.pid,
    argv: process.argv,
    resources: process.getActiveResourcesInfo(),
    handles: typeof getHandles === 'function' ? getHandles.call(process).map(describeHandle) : [],
    // lastcall keeps its process-wide state under registry symbols: loaded means it is in use.
    lastcall: Object.getOwnPropertySymbols(globalThis).some((s) => s.description?.startsWith('lastcall.') === true),
  };
  writeFileSync(join(dir as string, `explain-${process.pid}.json`), JSON.stringify(info));
}

if (dir) {
  const timer = setInterval(() => {
    if (!existsSync(join(dir, 'trigger'))) return;
    clearInterval(timer);
    try {
      dump();
    } catch {
      // the service must never notice doctor
    }
  }, 100);
  timer.unref();
}
