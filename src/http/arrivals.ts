import type { TrafficWatch } from '../core/types.js';

/** Set by lastcall's probe handler on the requests it answers: a balancer's health check is not traffic. */
export const kProbeRequest = Symbol.for('lastcall.probeRequest');

/** Enough arrivals to see the gaps of sparse traffic between a balancer's health checks. */
const SIZE = 64;

/**
 * The last SIZE request arrivals (time and request) in a ring: one store per request, nothing
 * else. Health-check requests are only recognised when read (at shutdown), because the probe
 * handler marks them after the tracker's listener has run.
 */
export class ArrivalLog implements TrafficWatch {
  readonly #times = new Float64Array(SIZE);
  readonly #requests: (object | undefined)[] = new Array<object | undefined>(SIZE).fill(undefined);
  #next = 0;

  record(now: number, req: object): void {
    this.#times[this.#next] = now;
    this.#requests[this.#next] = req;
    this.#next = (this.#next + 1) % SIZE;
  }

  /** Arrival times of real requests (not health checks), newest first. */
  #arrivals(): number[] {
    const times: number[] = [];
    for (let i = 1; i <= SIZE; i++) {
      const slot = (this.#next - i + SIZE) % SIZE;
      const req = this.#requests[slot] as { [kProbeRequest]?: boolean } | undefined;
      if (req === undefined) break;
      if (req[kProbeRequest] !== true) times.push(this.#times[slot] ?? 0);
    }
    return times;
  }

  lastArrival(): number | undefined {
    return this.#arrivals()[0];
  }

  largestGap(now: number, lookbackMs: number): number {
    const times = this.#arrivals().filter((t) => t <= now && t >= now - lookbackMs);
    let gap = 0;
    for (let i = 1; i < times.length; i++) gap = Math.max(gap, (times[i - 1] ?? 0) - (times[i] ?? 0));
    return gap;
  }
}
