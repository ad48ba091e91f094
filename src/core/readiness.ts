import { LifecycleStateError } from '../errors.js';
import { validateString } from '../internal/validate.js';
import { channels, publish } from './channels.js';
import type { InternalLogger } from './logger.js';
import type { LifecycleEvents, LifecycleState } from './types.js';

type ReadinessInfo = LifecycleEvents['readiness'][0];

interface ReadinessMarkOptions {
  /** `life.ready` after a change, for the event. */
  ready: () => boolean;
  emit: (info: ReadinessInfo) => void;
  logger: InternalLogger;
}

/**
 * The service's own mark (`life.markNotReady()` / `life.markReady()`): readiness is the lifecycle
 * state AND this mark, so a service that lost its database stops getting traffic without stopping.
 */
export class ReadinessMark {
  readonly #options: ReadinessMarkOptions;
  #reason: string | undefined;

  constructor(options: ReadinessMarkOptions) {
    this.#options = options;
  }

  /** The reason given to markNotReady() while the mark is set, else undefined. */
  get reason(): string | undefined {
    return this.#reason;
  }

  /** Allowed in every state: before start() completes it holds readiness back; during shutdown it changes nothing. */
  markNotReady(reason: unknown = 'marked not ready'): void {
    validateString('reason', reason);
    if (this.#reason === reason) return;
    this.#reason = reason;
    this.#changed(`marked not ready (${reason})`);
  }

  /** Refused once shutdown began: readiness never comes back during a shutdown. */
  markReady(state: LifecycleState): void {
    if (state !== 'idle' && state !== 'starting' && state !== 'running')
      throw new LifecycleStateError('mark ready', state);
    if (this.#reason === undefined) return;
    this.#reason = undefined;
    this.#changed('marked ready');
  }

  #changed(line: string): void {
    const info: ReadinessInfo =
      this.#reason === undefined ? { ready: this.#options.ready() } : { ready: false, reason: this.#reason };
    this.#options.logger.log('info', info, line);
    this.#options.emit(info);
    publish(channels.readiness, info);
  }
}
