import type { Lifecycle } from '../core/types.js';
import type { CachedCheck, HealthCheckResult } from './cached-check.js';

/** What the probes read from a lifecycle. */
export type ProbeLifecycle = Pick<Lifecycle, 'ready' | 'state'> & Partial<Pick<Lifecycle, 'notReadyReason'>>;

export type ProbeKind = 'readiness' | 'liveness';

/** A probe's answer: status code and JSON body. */
export interface ProbeAnswer {
  status: number;
  body: string;
}

type Entry = HealthCheckResult | { status: 'skipped' };

/** Why readiness is false: the lifecycle state, or the reason the service gave to markNotReady(). */
export function describeNotReady(life: ProbeLifecycle): string {
  const reason = life.notReadyReason;
  return life.state === 'running' && reason !== undefined ? `marked not ready: ${reason}` : life.state;
}

/** The checks of one probe. Checks run only while the probe could pass: never during shutdown. */
export class CheckGroup {
  constructor(
    readonly probe: ProbeKind,
    readonly checks: readonly CachedCheck[],
  ) {}

  async answer(life: ProbeLifecycle): Promise<ProbeAnswer> {
    const run = this.#mayRun(life);
    const results: Entry[] = run ? await Promise.all(this.checks.map((check) => check.result())) : [];
    const entries = Object.create(null) as Record<string, Entry>; // a check may be named __proto__
    for (const [i, check] of this.checks.entries()) entries[check.name] = results[i] ?? { status: 'skipped' };
    return this.#reply(life, entries);
  }

  #mayRun(life: ProbeLifecycle): boolean {
    return this.probe === 'readiness' ? life.ready : life.state === 'running';
  }

  /** Decided after the checks ran: a shutdown that began meanwhile makes readiness 503 at once. */
  #reply(life: ProbeLifecycle, checks: Record<string, Entry>): ProbeAnswer {
    const state = life.state;
    if (this.probe === 'readiness' && !life.ready) {
      return json(503, { status: 'not-ready', probe: this.probe, state, reason: describeNotReady(life), checks });
    }
    const failed = Object.values(checks).some((entry) => entry.status === 'failed' || entry.status === 'timed-out');
    return json(failed ? 503 : 200, { status: failed ? 'failed' : 'ok', probe: this.probe, state, checks });
  }
}

function json(status: number, body: object): ProbeAnswer {
  return { status, body: JSON.stringify(body) };
}
