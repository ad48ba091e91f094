// One-shot probes on fresh connections: is the service still taking new connections (intake), and
// what does its readiness endpoint answer. Each is polled on an interval and recorded.
import { request } from 'node:http';

import { classifyError } from './load.js';

export interface ProbeRecord {
  atMs: number;
  /** HTTP status, or 0 when no response came. */
  status: number;
  /** The response said `Connection: close`. */
  closing: boolean;
  /** Why no response came: refused, reset, error, timeout. */
  failure?: string;
}

const PROBE_TIMEOUT_MS = 1000;

/** One request on a fresh connection that asks to be kept alive (so a `Connection: close` is the server's choice). */
export function probeOnce(url: string): Promise<Omit<ProbeRecord, 'atMs'>> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { agent: false, headers: { connection: 'keep-alive' }, timeout: PROBE_TIMEOUT_MS },
      (res) => {
        const closing = /close/i.test(res.headers.connection ?? '');
        res.resume();
        res.on('end', () => req.destroy());
        resolve({ status: res.statusCode ?? 0, closing });
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ status: 0, closing: false, failure: 'timeout' });
    });
    req.on('error', (error) => resolve({ status: 0, closing: false, failure: classifyError(error) }));
    req.end();
  });
}

/** Polls `url` every `intervalMs` until stopped; one probe at a time. */
export class Poller {
  readonly records: ProbeRecord[] = [];
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly url: string,
    readonly intervalMs: number,
    readonly originMs: number,
  ) {}

  start(): void {
    const tick = async (): Promise<void> => {
      const atMs = performance.now() - this.originMs;
      const result = await probeOnce(this.url);
      if (this.#stopped) return;
      this.records.push({ atMs, ...result });
      this.#timer = setTimeout(
        () => void tick(),
        Math.max(0, this.intervalMs - (performance.now() - this.originMs - atMs)),
      );
      this.#timer.unref();
    };
    void tick();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
