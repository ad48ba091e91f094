import { isIPv4, isIPv6 } from 'node:net';

import type { ListenAddress } from '../../process/index.js';
import { UsageError } from '../errors.js';

/**
 * `--listen [<name>=]tcp:<port>`, `tcp:<host>:<port>`, `unix:<path>`. An IPv6 address goes in brackets
 * (`tcp:[::1]:0`, `tcp:[::]:8080`, a zone as `[fe80::1%eth0]`); an IP literal with its port may drop
 * the `tcp:` (`[::1]:0`, `127.0.0.1:8080`). Port 0 takes a free port (the runner says which).
 * `tcp:<port>` listens on every interface, as `server.listen(port)` (IPv6 and IPv4 where there is IPv6).
 */
export function parseListenSpec(value: string): ListenAddress {
  const bad = (why: string): UsageError =>
    new UsageError(
      `--listen: ${why}; expected [<name>=]tcp:<port>, tcp:<host>:<port> (IPv6 as tcp:[::1]:<port>) or unix:<path>, got "${value}"`,
    );
  const named = /^([A-Za-z0-9_.-]{1,64})=(.*)$/.exec(value);
  const name = named?.[1];
  const spec = named?.[2] ?? value;
  const extra = name === undefined ? {} : { name };
  if (spec.startsWith('unix:')) {
    const path = spec.slice(5);
    if (path === '' || path.includes('\0')) throw bad('an empty path');
    return { kind: 'unix', path, ...extra };
  }
  const address = spec.startsWith('tcp:') ? spec.slice(4) : bareAddress(spec);
  if (address === undefined) throw bad('an unknown kind');
  const m = /^(?:(\[[^\]]*\]|[^:[\]]+):)?(\d{1,5})$/.exec(address);
  if (!m) {
    // `tcp:::1:8080`: without brackets an IPv6 address cannot be told from its port.
    const unbracketed = /^(.*):\d{1,5}$/.exec(address)?.[1];
    if (unbracketed !== undefined && isIPv6(unbracketed))
      throw bad(`an IPv6 address goes in brackets ([${unbracketed}])`);
    throw bad('a port from 0 to 65535');
  }
  const port = Number(m[2]);
  if (port > 65535) throw bad('a port from 0 to 65535');
  const bracketed = /^\[(.*)\]$/.exec(m[1] ?? '')?.[1];
  if (bracketed !== undefined && !isIPv6(bracketed)) throw bad(`"${bracketed}" in brackets is not an IPv6 address`);
  const host = bracketed ?? m[1];
  return host === undefined ? { kind: 'tcp', port, ...extra } : { kind: 'tcp', host, port, ...extra };
}

/** `[::1]:0` or `127.0.0.1:8080` (an IP literal and a port) is TCP; anything else needs its kind. */
function bareAddress(spec: string): string | undefined {
  const m = /^(\[([^\]]*)\]|[^:[\]]+):\d{1,5}$/.exec(spec);
  if (!m) return undefined;
  const literal = m[2] !== undefined ? isIPv6(m[2]) : isIPv4(m[1] ?? '');
  return literal ? spec : undefined;
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
