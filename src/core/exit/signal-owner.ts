import { callerLocation } from '../../internal/call-site.js';
import { keepListener } from '../../internal/kept-listeners.js';
import { processWide } from '../../internal/process-wide.js';

type Listener = (this: unknown, ...args: unknown[]) => unknown;

/** Marks lastcall's own process listeners, whichever copy (ESM or CommonJS build) installed them. */
export const OWN_LISTENER: unique symbol = Symbol.for('lastcall.v1.ownListener') as never;
const ADOPTED = Symbol.for('lastcall.v1.adoptedListener');

/** A foreign listener in its place: `.listener` keeps `listeners()`, `off(fn)` and `listenerCount` exact. */
interface Adopted extends Listener {
  listener: Listener;
  [ADOPTED]: Listener;
}

/** A foreign stop-signal listener handed to a shutdown, to run as a bounded step. */
export interface ForeignListener {
  /** `process.on('SIGTERM', onStop) at src/app.js:12`: the function and where it was registered. */
  name: string;
  run: () => unknown;
}

// Process-wide, so that the ESM and CommonJS builds loaded together adopt each listener once.
const state = processWide('signal-owner', () => ({
  /** Where each signal listener was registered, for listeners added since lastcall was loaded. */
  where: new WeakMap<object, string>(),
  /** Signal → how many lifecycles adopt its listeners now. */
  claims: new Map<string, number>(),
  watching: false,
  /** Signals whose listeners a shutdown already took as steps: they run once per process. */
  taken: new Set<string>(),
}));

const isOwn = (fn: unknown): boolean =>
  typeof fn === 'function' && (fn as { [OWN_LISTENER]?: boolean })[OWN_LISTENER] === true;
const isAdopted = (fn: unknown): fn is Adopted => typeof fn === 'function' && ADOPTED in fn;
const claimed = (type: string): boolean => (state.claims.get(type) ?? 0) > 0;

/**
 * Notes where every signal listener is registered from, from the moment lastcall is loaded, and
 * wraps it once registered while a lifecycle adopts that signal. The wrap happens in a microtask:
 * a signal is delivered by the event loop, never between a registration and its microtasks.
 */
function watchRegistrations(): void {
  if (state.watching) return;
  state.watching = true;
  const onNewListener = (type: unknown, listener: unknown): void => {
    if (typeof type !== 'string' || !type.startsWith('SIG') || typeof listener !== 'function' || isOwn(listener))
      return;
    const where = callerLocation(onNewListener);
    if (where !== undefined) state.where.set(listener, where);
    if (claimed(type)) queueMicrotask(() => wrapAll(type));
  };
  Object.defineProperty(onNewListener, OWN_LISTENER, { value: true });
  keepListener('newListener', onNewListener);
}
watchRegistrations();

/** The listener array as EventEmitter keeps it; replaced in place so order and identity hold. */
function entries(type: string): Listener[] {
  const events = (process as unknown as { _events?: Record<string, unknown> })._events;
  const value = events?.[type];
  if (typeof value === 'function') return [value as Listener];
  return Array.isArray(value) ? (value as Listener[]) : [];
}

function replace(type: string, from: Listener, to: Listener): void {
  const events = (process as unknown as { _events?: Record<string, unknown> })._events;
  if (!events) return;
  const value = events[type];
  if (value === from) events[type] = to;
  else if (Array.isArray(value)) {
    const index = value.indexOf(from);
    if (index >= 0) value[index] = to;
  }
}

const unwrap = (raw: Listener): Listener => {
  const inner = (raw as { listener?: unknown }).listener;
  return typeof inner === 'function' ? (inner as Listener) : raw;
};

function wrapAll(type: string): void {
  for (const raw of [...entries(type)]) {
    if (isOwn(raw) || isAdopted(raw)) continue;
    const fn = unwrap(raw);
    // Not claimed (the lifecycle let go): behave exactly as the listener did, once-ness included.
    const adopted = function (this: unknown, ...args: unknown[]): unknown {
      if (claimed(type)) return undefined;
      if (raw !== fn) process.removeListener(type, adopted);
      return raw.apply(this, args);
    } as Adopted;
    adopted.listener = fn;
    adopted[ADOPTED] = raw;
    replace(type, raw, adopted);
  }
}

function unwrapAll(type: string): void {
  for (const entry of [...entries(type)]) if (isAdopted(entry)) replace(type, entry, entry[ADOPTED]);
}

/** A lifecycle adopts the foreign listeners of `signals`; the returned function lets go (restoring them when it was the last). */
export function claimSignals(signals: readonly string[]): () => void {
  for (const signal of signals) {
    state.claims.set(signal, (state.claims.get(signal) ?? 0) + 1);
    wrapAll(signal);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const signal of signals) {
      const left = (state.claims.get(signal) ?? 1) - 1;
      state.claims.set(signal, left);
      if (left === 0) {
        unwrapAll(signal);
        state.taken.delete(signal);
      }
    }
  };
}

/** `process.on('SIGTERM', onStop) at src/app.js:12` */
function describe(type: string, raw: Listener): string {
  const fn = unwrap(raw);
  const registered = raw === fn ? 'on' : 'once';
  const where = state.where.get(fn);
  return `process.${registered}('${type}', ${fn.name || 'anonymous'})${where === undefined ? '' : ` at ${where}`}`;
}

/** The foreign listeners of `type` (named), for the warning when they are left alone. */
export function describeForeignListeners(type: string): string[] {
  return entries(type)
    .filter((entry) => !isOwn(entry))
    .map((entry) => describe(type, isAdopted(entry) ? entry[ADOPTED] : entry));
}

/** Hands the adopted listeners of `type` to the shutdown it began; later shutdowns get none. */
export function takeForeignListeners(type: string): ForeignListener[] {
  if (!claimed(type) || state.taken.has(type)) return [];
  state.taken.add(type);
  return entries(type)
    .filter(isAdopted)
    .map((adopted) => {
      const raw = adopted[ADOPTED];
      const fn = adopted.listener;
      return {
        name: describe(type, raw),
        run: () => {
          // A `once` listener is used up by running, as it would have been by the signal.
          if (raw !== fn) process.removeListener(type, adopted);
          return fn.call(process, type);
        },
      };
    });
}
