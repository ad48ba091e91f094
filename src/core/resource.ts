import { InvalidResourceError } from '../errors.js';
import { lifecycleHooks, type ResourceHooks } from './types.js';

const HOOKS = ['start', 'drain', 'close', 'finish'] as const;
/**
 * Tried in this order on objects that are not plain hook objects: the graceful closer first. `quit`
 * comes before `end` because ioredis's `end()` is an immediate disconnect that rejects pending
 * replies, while `quit()` lets the server answer them (node-redis 5: `close`; pg, mysql2: `end`).
 */
const CLOSERS = ['close', 'quit', 'end', 'disconnect', 'destroy'] as const;

type Fn = (...args: unknown[]) => unknown;

/**
 * Turns anything `add()` accepts into hooks. Plain objects are hook objects; lastcall's own
 * resources name their hooks through `lifecycleHooks`; any other object is closed with
 * `[Symbol.asyncDispose]` or the first of close/end/quit/disconnect/destroy.
 */
export function normalizeResource(step: string, resource: unknown): ResourceHooks {
  if (resource === null || (typeof resource !== 'object' && typeof resource !== 'function')) {
    throw new InvalidResourceError(step, resource);
  }
  const object = resource as Record<PropertyKey, unknown>;
  if (typeof object[lifecycleHooks] === 'function') {
    return pickHooks(step, (object[lifecycleHooks] as () => unknown).call(resource));
  }
  const proto = Object.getPrototypeOf(resource) as unknown;
  if (proto === Object.prototype || proto === null) return pickHooks(step, resource);

  const dispose = object[Symbol.asyncDispose];
  if (typeof dispose === 'function') return { close: () => (dispose as Fn).call(resource) };
  for (const method of CLOSERS) {
    const fn = object[method];
    if (typeof fn === 'function') return { close: () => callCloser(resource, fn as Fn) };
  }
  throw new InvalidResourceError(step, resource);
}

function pickHooks(step: string, value: unknown): ResourceHooks {
  if (value === null || typeof value !== 'object') throw new InvalidResourceError(step, value);
  const object = value as Record<string, unknown>;
  const hooks: ResourceHooks = {};
  for (const name of HOOKS) {
    const fn = object[name];
    if (fn === undefined) continue;
    if (typeof fn !== 'function') throw new InvalidResourceError(step, value);
    hooks[name] = ((signal: AbortSignal) => (fn as Fn).call(value, signal));
  }
  if (Object.keys(hooks).length === 0) throw new InvalidResourceError(step, value);
  return hooks;
}

/** A first parameter named like a Node-style callback: `close(cb)`, `end(callback)`, `quit(done)`. */
const CALLBACK_PARAMETER = /^[^(]*\(\s*(?:cb|callback|done|next|fn)\s*[,)]/i;

/**
 * A closer whose first parameter is a callback (`server.close(cb)`, `pool.end(cb)`) gets one; it is
 * done when the callback fires or the returned promise settles, whichever is first. Any other
 * parameter is left out: `worker.close(force)` must not receive a truthy function as `force`.
 */
function callCloser(target: object, fn: Fn): unknown {
  if (fn.length === 0 || !CALLBACK_PARAMETER.test(Function.prototype.toString.call(fn))) return fn.call(target);
  return new Promise((resolve, reject) => {
    const done = (error?: unknown): void => (error ? reject(error) : resolve(undefined));
    const result = fn.call(target, done);
    if (isThenable(result)) result.then(() => resolve(undefined), reject);
  });
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
