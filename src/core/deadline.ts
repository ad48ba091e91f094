import { InvalidOptionError } from '../errors.js';
import { normalizeEnvDuration } from '../internal/validate.js';
import { type DeadlineSource, normalizePlatformDeadline, platformMarginMs } from './deadline-source.js';

export const DEFAULT_DEADLINE_MS = 25_000;

export interface NormalizedDeadline {
  deadlineMs: number;
  source: DeadlineSource;
  warnings: string[];
}

/** What a deadline must be, wherever it is given. */
export const DEADLINE_EXPECTED = 'a positive finite number of ms';

/**
 * The deadline and where it came from, first found: LASTCALL_DEADLINE_MS (an operator's, or one a
 * parent lastcall handed down), then the explicit option, then the platform (docs/deadline.md),
 * then the default. A given deadline longer than what the platform is known to allow is warned about.
 */
export function normalizeDeadline(
  name: string,
  option: unknown,
  env: NodeJS.ProcessEnv = process.env,
  fallbackMs = DEFAULT_DEADLINE_MS,
): NormalizedDeadline {
  // One wording for every bad deadline: -1, 0 and Infinity fail for the same reason.
  const fromEnv = normalizeEnvDuration('LASTCALL_DEADLINE_MS', env, DEADLINE_EXPECTED);
  if (fromEnv !== undefined && !(fromEnv > 0 && Number.isFinite(fromEnv)))
    throw new InvalidOptionError('LASTCALL_DEADLINE_MS', DEADLINE_EXPECTED, env.LASTCALL_DEADLINE_MS);
  if (option !== undefined && !(typeof option === 'number' && option > 0 && Number.isFinite(option)))
    throw new InvalidOptionError(name, DEADLINE_EXPECTED, option);
  const given = fromEnv ?? option;
  if (given === undefined) {
    const platform = normalizePlatformDeadline(env);
    const deadlineMs = platform.deadlineMs ?? fallbackMs;
    return { deadlineMs, source: platform.source, warnings: platform.warning ? [platform.warning] : [] };
  }
  const source = fromEnv === undefined ? { source: 'option' as const } : envSource(env);
  // Explicit wins; the platform is only read to warn when it will kill first.
  const platform = normalizePlatformDeadline(env);
  const warnings: string[] = [];
  const { platformMs } = platform.source;
  if (
    platformMs !== undefined &&
    platform.platform &&
    platform.platform.known !== 'assumed' &&
    given > platformMs - (platform.source.marginMs ?? 0)
  ) {
    warnings.push(
      `running under ${platform.source.source} (${platform.source.detail}), which SIGKILLs ${platformMs} ms after its stop signal: ` +
        `the ${given} ms shutdown deadline${source.source === 'option' ? '' : ' (LASTCALL_DEADLINE_MS)'} would be cut mid-shutdown. ` +
        `Raise ${platform.platform.setting} above ${given + 1000} ms, or lower the deadline.`,
    );
  }
  return { deadlineMs: given, source, warnings };
}

/** LASTCALL_DEADLINE_MS, or the same handed down with LASTCALL_PARENT_DEADLINE_MS (what the parent allows from stop signal to SIGKILL). */
function envSource(env: NodeJS.ProcessEnv): DeadlineSource {
  let parent: number | undefined;
  try {
    parent = normalizeEnvDuration('LASTCALL_PARENT_DEADLINE_MS', env);
  } catch {
    parent = undefined; // informational only: a bad value must not stop the service
  }
  return parent === undefined
    ? { source: 'env', detail: 'LASTCALL_DEADLINE_MS' }
    : { source: 'parent', detail: `handed down: the parent SIGKILLs ${parent} ms after its stop signal` };
}

/**
 * The deadline to hand a child that gets `budgetMs` between its stop signal and SIGKILL: the budget
 * minus the same margin a platform's grace period gets, so the child's report is written and it
 * has exited before the parent must kill it.
 */
export function handDownMs(budgetMs: number): number {
  return Math.max(1, Math.floor(budgetMs - Math.min(platformMarginMs(budgetMs), budgetMs / 2)));
}

/** The child's environment with the handed-down deadline (and the parent's budget for it, for the child's report). */
export function handDownEnv(env: NodeJS.ProcessEnv, childMs: number, parentMs: number): NodeJS.ProcessEnv {
  return { ...env, LASTCALL_DEADLINE_MS: String(childMs), LASTCALL_PARENT_DEADLINE_MS: String(Math.round(parentMs)) };
}
