import { waitForExitRequest } from './exit/exit-guard.js';
import { describeForeignListeners, takeForeignListeners } from './exit/signal-owner.js';
import type { InternalLogger } from './logger.js';
import type { NormalizedOptions } from './options.js';
import type { ResourceHooks } from './types.js';

/**
 * A listener that neither returns a promise nor calls process.exit() (`() => server.close()`) has
 * started its work and says nothing more: it gets this long (at most a tenth of the deadline), then
 * counts as done.
 */
export const ADOPTED_SETTLE_MS = 1_000;

export interface AdoptedStep {
  name: string;
  hooks: ResourceHooks;
}

/**
 * The steps that run the stop-signal listeners other code registered, for a shutdown begun by
 * `signal`: each is done when its promise settles, when it calls process.exit() (deferred), or
 * after ADOPTED_SETTLE_MS. With adoption off, one warning names the listeners left alone.
 */
export function adoptForeignListeners(
  reason: string | Error,
  options: NormalizedOptions,
  logger: InternalLogger,
): AdoptedStep[] {
  const { signals, adoptSignalListeners, deadlineMs } = options;
  if (typeof reason !== 'string' || !signals.includes(reason as NodeJS.Signals)) return [];
  const signal = reason;
  if (!adoptSignalListeners) {
    const foreign = describeForeignListeners(signal);
    if (foreign.length > 0) {
      logger.log(
        'warn',
        { signal, listeners: foreign },
        `adoptSignalListeners is false: ${foreign.length} other ${signal} listener(s) run on their own, unbounded: ${foreign.join('; ')}`,
      );
    }
    return [];
  }
  return takeForeignListeners(signal).map(({ name, run }) => ({
    name,
    hooks: {
      close: async (abort: AbortSignal) => {
        const exited = waitForExitRequest(Math.min(ADOPTED_SETTLE_MS, deadlineMs / 10), abort);
        const result: unknown = run();
        if (isThenable(result)) await result;
        else await exited;
      },
    },
  }));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A name not taken yet: `name`, then `name #2`... */
export function uniqueName(name: string, taken: ReadonlyMap<string, unknown>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name} #${n}`;
  return candidate;
}
