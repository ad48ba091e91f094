import { loadBuiltin } from '../internal/builtins.js';
import { parseSystemdSpan, readSystemdStopTimeout, readSystemdUnit } from './systemd-stop-timeout.js';

export type DeadlinePlatform = 'pm2' | 'systemd' | 'kubernetes' | 'cloud-run' | 'fly' | 'heroku' | 'ecs' | 'docker';

/** Where a lifecycle's (or `lastcall run`'s) deadline came from; in the report as `deadlineSource`. */
export interface DeadlineSource {
  /** 'option': deadlineMs / --deadline; 'env': LASTCALL_DEADLINE_MS; 'parent': LASTCALL_DEADLINE_MS handed down by a parent lastcall; a platform; 'default'. */
  source: 'option' | 'env' | 'parent' | 'default' | DeadlinePlatform;
  /** The platform's grace period (SIGTERM → SIGKILL) the deadline was taken from. */
  platformMs?: number;
  /** Kept back from platformMs for the exit itself. */
  marginMs?: number;
  /** What recognised it: the unit, the variable, the parent's deadline. */
  detail?: string;
}

export interface PlatformDeadline {
  source: DeadlineSource;
  /** The deadline to use; undefined: keep the default (a platform that does not say, or a value ignored). */
  deadlineMs: number | undefined;
  /** At most one: the value the platform gave was ignored, or the platform hides it. */
  warning?: string;
  /** The row's kind of value and where it is configured, when a platform was recognised. */
  platform?: { known: 'read' | 'fixed' | 'assumed'; setting: string };
}

interface Row {
  platform: DeadlinePlatform;
  /** 'read': the configured value is visible; 'fixed': the platform's value cannot be changed; 'assumed': the documented default (the configured one is not visible). */
  known: 'read' | 'fixed' | 'assumed';
  /** Where the user changes it, for the warning. */
  setting: string;
  /** What recognises it, for the docs and the report. */
  detail: (env: NodeJS.ProcessEnv, probe: PlatformProbe) => string | undefined;
  /** The grace period in ms, its text when read from the platform, or undefined when the platform hides it. */
  graceMs: (env: NodeJS.ProcessEnv, probe: PlatformProbe) => number | string | undefined;
}

/** The files detection reads; other paths only in tests of this module. */
export interface PlatformProbe {
  cgroupPath: string;
  dockerenvPath: string;
}
const PROBE: PlatformProbe = { cgroupPath: '/proc/self/cgroup', dockerenvPath: '/.dockerenv' };

const env1 =
  (...names: string[]) =>
  (env: NodeJS.ProcessEnv) =>
    names.find((n) => env[n] !== undefined && env[n] !== '');

/** First match wins: the innermost manager first (PM2 or systemd inside a container kill first). */
const ROWS: Row[] = [
  // PM2: `kill_timeout` (ms) is in the environment it gives the app; its default is 1600 ms.
  {
    platform: 'pm2',
    known: 'read',
    setting: 'kill_timeout in the ecosystem file',
    detail: env1('pm_id'),
    graceMs: (env) => env.kill_timeout ?? 1600,
  },
  // systemd: the unit's TimeoutStopSec (default 90 s), read from the unit this process runs in.
  {
    platform: 'systemd',
    known: 'read',
    setting: 'TimeoutStopSec= in the unit',
    detail: (_env, probe) => readSystemdUnit(probe.cgroupPath)?.unit,
    graceMs: (env, probe) => systemdGrace(env, probe),
  },
  // Kubernetes: terminationGracePeriodSeconds (default 30 s) is not visible inside the pod.
  {
    platform: 'kubernetes',
    known: 'assumed',
    setting: 'terminationGracePeriodSeconds',
    detail: env1('KUBERNETES_SERVICE_HOST'),
    graceMs: () => undefined,
  },
  // Cloud Run: SIGTERM, then SIGKILL 10 s later (services set K_SERVICE, jobs CLOUD_RUN_JOB).
  {
    platform: 'cloud-run',
    known: 'fixed',
    setting: 'nothing (Cloud Run always allows 10 s)',
    detail: env1('K_SERVICE', 'CLOUD_RUN_JOB'),
    graceMs: () => 10_000,
  },
  // Fly.io: kill_timeout, default 5 s; fly.toml's value is not in the Machine's environment.
  {
    platform: 'fly',
    known: 'assumed',
    setting: 'kill_timeout in fly.toml',
    detail: env1('FLY_APP_NAME', 'FLY_MACHINE_ID'),
    graceMs: () => 5000,
  },
  // Heroku: SIGTERM, then SIGKILL 30 s later.
  {
    platform: 'heroku',
    known: 'fixed',
    setting: 'nothing (Heroku always allows 30 s)',
    detail: env1('DYNO'),
    graceMs: () => 30_000,
  },
  // ECS: the container's stopTimeout (default 30 s) is not in its environment.
  {
    platform: 'ecs',
    known: 'assumed',
    setting: 'stopTimeout in the task definition',
    detail: env1('ECS_CONTAINER_METADATA_URI_V4', 'ECS_CONTAINER_METADATA_URI'),
    graceMs: () => 30_000,
  },
  // Docker: `docker stop` waits 10 s by default; recognised by the /.dockerenv file it creates.
  {
    platform: 'docker',
    known: 'assumed',
    setting: '--stop-timeout / stop_grace_period',
    detail: (_env, probe) => (loadBuiltin('node:fs').existsSync(probe.dockerenvPath) ? probe.dockerenvPath : undefined),
    graceMs: () => 10_000,
  },
];

/** A grace period outside this range is a misread, not a configuration: ignored with a warning. */
const MAX_PLATFORM_MS = 7 * 86_400_000;

/** Kept for the exit itself (flushing, the watchdog's overshoot, signal delivery): 10% of the grace period, 100 ms to 1 s. */
export function platformMarginMs(platformMs: number): number {
  return Math.min(1000, Math.max(100, Math.round(platformMs / 10)));
}

function systemdGrace(env: NodeJS.ProcessEnv, probe: PlatformProbe): string | undefined {
  const unit = readSystemdUnit(probe.cgroupPath);
  return unit === undefined ? undefined : readSystemdStopTimeout(unit, env);
}

const PLATFORMS = new Set<string>(ROWS.map((row) => row.platform));

/**
 * The platform this process runs on and the deadline it allows, from the table above. Never throws:
 * a value that cannot be a grace period is ignored with one warning. `LASTCALL_PLATFORM` names the
 * row to use (detection is skipped) or `none` (no platform).
 */
export function normalizePlatformDeadline(
  env: NodeJS.ProcessEnv = process.env,
  probe: PlatformProbe = PROBE,
): PlatformDeadline {
  const forced = env.LASTCALL_PLATFORM?.trim();
  if (forced === 'none')
    return { source: { source: 'default', detail: 'LASTCALL_PLATFORM=none' }, deadlineMs: undefined };
  if (forced && !PLATFORMS.has(forced)) {
    return {
      source: { source: 'default' },
      deadlineMs: undefined,
      warning: `LASTCALL_PLATFORM=${JSON.stringify(forced)} is not one of none, ${[...PLATFORMS].join(', ')}: ignored`,
    };
  }
  for (const row of ROWS) {
    const detail = forced ? (forced === row.platform ? 'LASTCALL_PLATFORM' : undefined) : row.detail(env, probe);
    if (detail === undefined) continue;
    return fromRow(row, detail, row.graceMs(env, probe));
  }
  return { source: { source: 'default' }, deadlineMs: undefined };
}

function fromRow(row: Row, detail: string, raw: number | string | undefined): PlatformDeadline {
  const where = `${row.platform} (${detail})`;
  const platform = { known: row.known, setting: row.setting };
  if (raw === undefined) {
    const warning =
      row.platform === 'kubernetes'
        ? 'running in Kubernetes, whose terminationGracePeriodSeconds is not visible inside the pod: set LASTCALL_DEADLINE_MS from the same value (docs/deadline.md), or the default deadline may outlast it'
        : `running under ${where} but its stop timeout could not be read (systemctl show failed or timed out): using the default deadline`;
    return {
      source: { source: 'default', detail: `${where}: grace period not visible` },
      deadlineMs: undefined,
      warning,
      platform,
    };
  }
  const platformMs = typeof raw === 'number' ? raw : row.platform === 'systemd' ? parseSystemdSpan(raw) : Number(raw);
  // TimeoutStopSec=infinity: systemd never kills, so nothing bounds the shutdown but ours.
  if (platformMs === Infinity && row.platform === 'systemd')
    return { source: { source: 'default', detail: `${where}: TimeoutStopSec=infinity` }, deadlineMs: undefined };
  if (!Number.isFinite(platformMs) || platformMs <= 0 || platformMs > MAX_PLATFORM_MS) {
    return {
      source: { source: 'default', detail: `${where}: ignored ${JSON.stringify(raw)}` },
      deadlineMs: undefined,
      warning: `${where} gave a stop timeout of ${JSON.stringify(raw)}, which is not a usable grace period: ignored, using the default deadline`,
    };
  }
  const marginMs = Math.min(platformMarginMs(platformMs), platformMs / 2);
  return {
    source: { source: row.platform, detail, platformMs, marginMs },
    deadlineMs: platformMs - marginMs,
    platform,
  };
}
