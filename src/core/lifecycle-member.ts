import { messageOf } from '../internal/describe.js';
import { toError } from '../internal/thrown.js';
import { registerLifecycle, type Registration } from './coordinator.js';
import type { InternalLogger } from './logger.js';
import type { NormalizedOptions } from './options.js';

/** What the coordinator's calls need from a lifecycle. */
export interface MemberHost {
  logger: InternalLogger;
  force: AbortController;
  /** shutdown() has been called. */
  shuttingDown(): boolean;
  closed(): boolean;
  shutdown(reason: string): void;
  /** A process-level error, for the report. */
  crashed(error: Error): void;
}

/**
 * Registers a lifecycle with the process-wide coordinator: a signal or a process-level error
 * begins its shutdown, a second signal forces it, and another lifecycle exiting shuts it down too.
 */
export function registerMember(options: NormalizedOptions, host: MemberHost): Registration {
  return registerLifecycle({
    ...options,
    onSignal: (signal) => {
      if (!host.shuttingDown()) {
        host.shutdown(signal);
        return;
      }
      if (host.force.signal.aborted || host.closed()) return;
      host.logger.log('warn', { signal }, `second ${signal}: forcing shutdown, remaining steps skipped`);
      host.force.abort();
    },
    onError: (kind, thrown) => {
      const error = toError(thrown);
      host.logger.log('error', { err: error }, `${kind}: ${messageOf(error)}`);
      host.crashed(error);
      if (!host.shuttingDown()) host.shutdown(`${kind}: ${messageOf(error)}`);
    },
    onShutdown: (reason) => host.shutdown(reason),
  });
}
