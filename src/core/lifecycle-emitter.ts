import { EventEmitter } from 'node:events';

import { messageOf } from '../internal/describe.js';
import { channels, publish } from './channels.js';
import { validateListener } from './events.js';
import type { InternalLogger } from './logger.js';
import { describeStep } from './report.js';
import type { LifecycleEvents, ShutdownReport, StepReport } from './types.js';

type Listener<E extends keyof LifecycleEvents> = (...args: LifecycleEvents[E]) => void;

/**
 * How a lifecycle tells what happens: its events, the diagnostics channels, and the log lines that
 * go with them. A listener that throws is logged, never thrown into the shutdown.
 */
export class LifecycleEmitter {
  readonly #events = new EventEmitter();
  readonly #logger: InternalLogger;

  constructor(logger: InternalLogger) {
    this.#logger = logger;
  }

  on<E extends keyof LifecycleEvents>(event: E, listener: Listener<E>): void {
    validateListener(event, listener);
    this.#events.on(event, listener as (...args: unknown[]) => void);
  }
  once<E extends keyof LifecycleEvents>(event: E, listener: Listener<E>): void {
    validateListener(event, listener);
    this.#events.once(event, listener as (...args: unknown[]) => void);
  }
  off<E extends keyof LifecycleEvents>(event: E, listener: Listener<E>): void {
    validateListener(event, listener);
    this.#events.off(event, listener as (...args: unknown[]) => void);
  }

  /** A step's report: logged when it says something went wrong, then emitted and published. */
  step(report: StepReport): void {
    const line = describeStep(report);
    if (line) {
      const { name: step, phase, status, durationMs, error: err } = report;
      this.#logger.log(status === 'failed' ? 'error' : 'warn', { step, phase, status, durationMs, err }, line);
    }
    this.emit('step', report);
    publish(channels.step, report);
  }

  shutdown(reason: string, deadlineMs: number): void {
    this.#logger.log('info', { reason, deadlineMs }, `shutting down (${reason}), deadline ${deadlineMs} ms`);
    this.emit('shutdown', { reason, deadlineMs });
    publish(channels.shutdown, { reason, deadlineMs });
  }

  closed(report: ShutdownReport): void {
    this.emit('closed', report);
    publish(channels.closed, { report });
  }

  /** Every event has one argument; none is built into an array when nobody listens (a step's is per step). */
  emit<E extends keyof LifecycleEvents>(event: E, arg: LifecycleEvents[E][0]): void {
    if (this.#events.listenerCount(event) === 0) return;
    try {
      this.#events.emit(event, arg);
    } catch (error) {
      this.#logger.log('error', { err: error }, `a "${event}" listener threw: ${messageOf(error)}`);
    }
  }
}
