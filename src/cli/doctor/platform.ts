// The `platform` check: a service started where the platform's grace period is out of its sight
// (Kubernetes' terminationGracePeriodSeconds is in the pod spec, not the pod) must be handed it as
// LASTCALL_DEADLINE_MS, or lastcall inside it uses its default deadline and the grace period may cut it.
import { normalizePlatformDeadline, platformMarginMs } from '../../core/deadline-source.js';
import { checkResult } from './check-result.js';
import type { Check } from './checks.js';

const EXAMPLE: Record<string, string> = {
  kubernetes:
    'in the pod spec: `env: [{ name: LASTCALL_DEADLINE_MS, value: "29000" }]` for the default terminationGracePeriodSeconds: 30',
};

/** Undefined when no platform hiding its grace period is recognised in `env` (the service's environment). */
export function platformCheck(env: NodeJS.ProcessEnv, deadlineMs: number): Check | undefined {
  // A platform that hides its grace period gives no deadline and says where it is configured.
  const found = normalizePlatformDeadline(env);
  if (found.platform === undefined || found.deadlineMs !== undefined) return undefined;
  const platform = found.source.detail?.split(' ')[0] ?? 'a platform';
  const where = `running under ${found.source.detail?.replace(/: grace period not visible$/, '') ?? platform}`;
  const given = env.LASTCALL_DEADLINE_MS?.trim();
  if (given) return checkResult('platform', 'handed', { where, given });
  const example = EXAMPLE[platform] ?? `next to ${found.platform.setting}`;
  const thisRun = `for this run's --deadline ${deadlineMs} ms it would be ${deadlineMs - platformMarginMs(deadlineMs)}`;
  const check = checkResult('platform', 'hidden', { where, setting: found.platform.setting });
  return { ...check, message: `${check.message} (${example}; ${thisRun})` };
}
