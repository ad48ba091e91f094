import { loadBuiltin } from '../internal/builtins.js';

/** `systemctl show` answers over D-Bus in a few ms; a wedged bus must not hold start-up longer. */
const SYSTEMCTL_TIMEOUT_MS = 1000;

export interface SystemdUnit {
  unit: string;
  /** A unit of the user's manager (`systemctl --user`), found under user@UID.service. */
  user: boolean;
}

/**
 * The service unit this process runs in, from its cgroup (v2 `0::/…`, or v1's `name=systemd`):
 * the last `*.service` component, unless it is the user manager itself. undefined outside a unit
 * (a login scope, a container's `/`).
 */
export function normalizeSystemdUnit(cgroup: string): SystemdUnit | undefined {
  const lines = cgroup.split('\n');
  // v2 (or hybrid) first; v1's name=systemd hierarchy when the unified one says nothing.
  for (const line of [lines.find((l) => l.startsWith('0::')), lines.find((l) => l.includes(':name=systemd:'))]) {
    const parts = line?.slice(line.indexOf(':/') + 1).split('/') ?? [];
    const unit = [...parts].reverse().find((p) => p.endsWith('.service'));
    if (unit === undefined || /^user@\d+\.service$/.test(unit)) continue;
    return { unit, user: parts.some((p) => /^user@\d+\.service$/.test(p)) };
  }
  return undefined;
}

export function readSystemdUnit(cgroupPath = '/proc/self/cgroup'): SystemdUnit | undefined {
  try {
    return normalizeSystemdUnit(loadBuiltin('node:fs').readFileSync(cgroupPath, 'utf8'));
  } catch {
    return undefined; // not Linux, or /proc not mounted: not under systemd as far as we can tell
  }
}

/**
 * The unit's TimeoutStopUSec as printed by `systemctl show -p TimeoutStopUSec --value`
 * ("1min 30s", "90s", "infinity"); undefined when systemctl is missing, fails or is slow.
 * Synchronous on purpose: the deadline shapes every other default (drain bound, pre-stop cap,
 * warnings) and is needed before createLifecycle() returns; this only runs inside a unit, when no
 * deadline was given, and is bounded by SYSTEMCTL_TIMEOUT_MS.
 */
export function readSystemdStopTimeout(target: SystemdUnit, env: NodeJS.ProcessEnv): string | undefined {
  const args = [...(target.user ? ['--user'] : []), 'show', '-p', 'TimeoutStopUSec', '--value', target.unit];
  const result = loadBuiltin('node:child_process').spawnSync('systemctl', args, {
    encoding: 'utf8',
    timeout: SYSTEMCTL_TIMEOUT_MS,
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
    windowsHide: true,
  });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim();
}

const SPAN_UNITS: Record<string, number> = {
  us: 0.001,
  usec: 0.001,
  ms: 1,
  msec: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** systemd's time span ("1min 30s", "500ms", "90", "infinity") in ms; NaN when it is not one. */
export function parseSystemdSpan(text: string): number {
  const value = text.trim();
  if (value === 'infinity') return Infinity;
  // A bare number is seconds (systemd.time(7)).
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)\s*/g)];
  if (
    parts.length === 0 ||
    parts
      .map((p) => p[0])
      .join('')
      .trim() !== value.replace(/\s+$/, '')
  )
    return Number.NaN;
  let total = 0;
  for (const [, amount, unit] of parts) {
    const scale = SPAN_UNITS[unit ?? ''];
    if (scale === undefined) return Number.NaN;
    total += Number(amount) * scale;
  }
  return total;
}
