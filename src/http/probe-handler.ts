import type { IncomingMessage, ServerResponse } from 'node:http';

import { InvalidOptionError } from '../errors.js';
import { validateOptions } from '../internal/validate.js';
import { kProbeRequest } from './arrivals.js';
import { describeNotReady, type ProbeAnswer, type ProbeLifecycle } from './check-group.js';
import { HEALTH_CHECK_OPTIONS, type HealthCheckOptions, normalizeHealthChecks } from './health-checks.js';

export type { ProbeLifecycle } from './check-group.js';

export interface ProbePaths {
  /** 200 while the event loop answers, also during drain. Default '/livez'. */
  liveness?: string;
  /** 200 while `life.ready` and its health checks pass, else 503. Default '/readyz'. */
  readiness?: string;
  /** 200 once start() completed, else 503. Default '/startupz'. */
  startup?: string;
}

export interface ProbeHandlerOptions extends HealthCheckOptions {
  paths?: ProbePaths;
}

export const HANDLER_OPTIONS = ['paths', ...HEALTH_CHECK_OPTIONS] as const;

/**
 * Answers a probe request and returns true, or returns false (after calling `next`, when given)
 * for any other path: usable in a plain handler (`if (handle(req, res)) return;`) and as
 * Express/Connect middleware.
 */
export type ProbeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => boolean;

const PATH_KEYS = ['liveness', 'readiness', 'startup'] as const;
const DEFAULT_PATHS: Required<ProbePaths> = { liveness: '/livez', readiness: '/readyz', startup: '/startupz' };

export function validateLifecycle(life: unknown): asserts life is ProbeLifecycle {
  const ok = life !== null && typeof life === 'object' && 'ready' in life && 'state' in life;
  if (!ok) throw new InvalidOptionError('life', 'a lifecycle from createLifecycle()', life);
}

export function normalizePaths(paths: unknown): Required<ProbePaths> {
  validateOptions(paths, PATH_KEYS, 'probe paths');
  const given = (paths ?? {}) as Record<string, unknown>;
  const result = { ...DEFAULT_PATHS };
  for (const key of PATH_KEYS) {
    const value = given[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !value.startsWith('/')) {
      throw new InvalidOptionError(`paths.${key}`, 'a path starting with "/"', value);
    }
    result[key] = value;
  }
  return result;
}

/** Builds the handler; `probes.handler(life, { paths })` is the public name. */
export function createProbeHandler(life: ProbeLifecycle, options?: ProbeHandlerOptions): ProbeHandler {
  validateLifecycle(life);
  validateOptions(options, HANDLER_OPTIONS, 'probes.handler()');
  const paths = normalizePaths(options?.paths);
  const checks = normalizeHealthChecks(options);
  return (req, res, next) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (path === paths.liveness && checks.liveness) reply(req, res, checks.liveness.answer(life));
    else if (path === paths.liveness) send(req, res, 200, 'ok');
    else if (path === paths.readiness && checks.readiness) reply(req, res, checks.readiness.answer(life));
    else if (path === paths.readiness)
      send(req, res, life.ready ? 200 : 503, life.ready ? 'ready' : `not ready (${describeNotReady(life)})`);
    else if (path === paths.startup) {
      const started = life.state !== 'idle' && life.state !== 'starting';
      send(req, res, started ? 200 : 503, started ? 'started' : `not started (${life.state})`);
    } else {
      next?.();
      return false;
    }
    // Answered here: a health check, which the pre-stop's traffic watch must not count.
    (req as { [kProbeRequest]?: boolean })[kProbeRequest] = true;
    return true;
  };
}

function reply(req: IncomingMessage, res: ServerResponse, answer: Promise<ProbeAnswer>): void {
  void answer.then(({ status, body }) => send(req, res, status, body, 'application/json; charset=utf-8'));
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  text: string,
  type = 'text/plain; charset=utf-8',
): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
