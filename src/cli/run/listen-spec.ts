import type { ListenAddress } from '../../process/index.js';
import { UsageError } from '../errors.js';

/**
 * `--listen [<name>=]tcp:<port>`, `tcp:<host>:<port>` (IPv6 in brackets), `unix:<path>`. Port 0 takes
 * a free port (the runner says which). `tcp:<port>` listens on every interface, as `server.listen(port)`.
 */
export function parseListenSpec(value: string): ListenAddress {
  const bad = (why: string): UsageError =>
    new UsageError(`--listen: ${why}; expected [<name>=]tcp:<port>, tcp:<host>:<port> or unix:<path>, got "${value}"`);
  const named = /^([A-Za-z0-9_.-]{1,64})=(.*)$/.exec(value);
  const name = named?.[1];
  const spec = named?.[2] ?? value;
  const extra = name === undefined ? {} : { name };
  if (spec.startsWith('unix:')) {
    const path = spec.slice(5);
    if (path === '' || path.includes('\0')) throw bad('an empty path');
    return { kind: 'unix', path, ...extra };
  }
  if (!spec.startsWith('tcp:')) throw bad('an unknown kind');
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(spec.slice(4));
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw bad('a port from 0 to 65535');
  const host = m[1]?.replace(/^\[(.*)\]$/, '$1');
  return host === undefined ? { kind: 'tcp', port, ...extra } : { kind: 'tcp', host, port, ...extra };
}

/** How many listening sockets this process was handed by socket activation (LISTEN_PID is ours). */
export function activatedCount(env: NodeJS.ProcessEnv): number {
  const { LISTEN_FDS: count, LISTEN_PID: pid } = env;
  if (count === undefined || pid === undefined || Number(pid) !== process.pid) return 0;
  if (!/^\d{1,2}$/.test(count) || Number(count) < 1 || Number(count) > 60) {
    throw new UsageError(`LISTEN_FDS: expected a count from 1 to 60 (socket activation), got "${count}"`);
  }
  return Number(count);
}
