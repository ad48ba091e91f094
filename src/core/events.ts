import { InvalidOptionError } from '../errors.js';
import { validateFunction } from '../internal/validate.js';

const EVENTS = ['shutdown', 'step', 'closed', 'readiness'];
/** 'error' is never emitted; listening for it is accepted so that `events.once(life, 'closed')` works. */
const LISTENABLE = [...EVENTS, 'error'];

/** Throws unless `event` is one a lifecycle emits (or 'error') and `listener` a function. */
export function validateListener(event: unknown, listener: unknown): void {
  if (typeof event !== 'string' || !LISTENABLE.includes(event)) {
    throw new InvalidOptionError('event', `one of ${EVENTS.map((name) => `"${name}"`).join(', ')}`, event);
  }
  validateFunction('listener', listener);
}
