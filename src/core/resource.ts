import { InvalidResourceError, LastcallError } from '../errors.js';
import { lifecycleHooks, type ResourceHooks } from './types.js';

const HOOKS = ['start', 'drain', 'close', 'finish'] as const;
/** A hooks object may also say what it still has open (the progress line asks). */
const DESCRIBE = 'describeOpen';
/** lastcall/http's hooks also say what they answered during the shutdown (the report asks). */
const COUNTS = 'requestCounts';
const isInfo = (key: string): boolean => key === DESCRIBE || key === COUNTS;
/**
 * Tried in this order on objects that are not plain hook objects: the graceful closer first. `quit`
 * comes before `end` because ioredis's `end()` is an immediate disconnect that rejects pending
 * replies, while `quit()` lets the server answer them (node-redis 5: `close`; pg, mysql2: `end`).
 */
const CLOSERS = ['close', 'quit', 'end', 'disconnect', 'destroy', 'shutdown', 'flush', '$disconnect'] as const;

type Fn = (...args: unknown[]) => unknown;

/**
 * Turns anything `add()` accepts into hooks, reading it once. An object is a hooks object only
 * when that is unambiguous: lastcall's own resources (`lifecycleHooks`), a plain object with hook
 * keys (any other key is an error: a misspelt `finsh` must not be dropped), or an instance with a
 * start/drain/finish method. Anything else is closed the way its library means: its
 * `[Symbol.asyncDispose]`, else the first of close/quit/end/disconnect/destroy.
 */
export function normalizeResource(step: string, resource: unknown): ResourceHooks {
  try {
    return readResource(step, resource);
  } catch (error) {
    if (error instanceof LastcallError) throw error;
    throw new InvalidResourceError(step, resource, 'reading it threw (a revoked Proxy or a throwing getter?)', error);
  }
}

function readResource(step: string, resource: unknown): ResourceHooks {
  // A callable library object (a knex instance is a function with destroy()) closes by its closer.
  const callable = typeof resource === 'function' ? closeHook(resource) : undefined;
  if (callable) return callable;
  if (resource === null || typeof resource !== 'object') {
    const hint = typeof resource === 'function' ? 'pass { close: fn } to run a function at close' : undefined;
    throw new InvalidResourceError(step, resource, hint);
  }
  const object = resource as Record<PropertyKey, unknown>;
  const provider = object[lifecycleHooks];
  if (typeof provider === 'function') return providedHooks(step, (provider as () => unknown).call(resource));
  const proto = Object.getPrototypeOf(resource) as unknown;
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(resource);
    const near = keys.filter((key) => !isHookName(key) && HOOKS.some((hook) => isNear(key, hook)));
    if (keys.length > 0 && keys.every((key) => isHookName(key) || isInfo(key))) return pickHooks(step, resource, true);
    // A library object built as a plain object (a Fastify instance) says how it is closed.
    if (typeof object[Symbol.asyncDispose] === 'function') return closeHook(resource) as ResourceHooks;
    // `{ close, finsh }`, `{ end, drian }`: a misspelt hook is a mistake, never silently dropped.
    if (near.length > 0) invalid(step, resource, near);
    if (keys.some((key) => isHookName(key))) {
      // Hooks next to other keys: is `close` a hook (signal) or a library's closer (callback)?
      invalid(
        step,
        resource,
        keys,
        'it mixes hook names with other keys; pass only hooks, e.g. { close: () => x.close() }',
      );
    }
    return closeHook(resource) ?? invalid(step, resource, keys);
  }
  // An instance (a class of the user's) with lifecycle methods beyond close is a hooks object.
  if (HOOKS.some((name) => name !== 'close' && typeof object[name] === 'function'))
    return pickHooks(step, resource, false);
  return closeHook(resource) ?? invalid(step, resource, []);
}

function isHookName(key: string): key is (typeof HOOKS)[number] {
  return (HOOKS as readonly string[]).includes(key);
}

function pickHooks(step: string, value: unknown, strict: boolean): ResourceHooks {
  if (value === null || typeof value !== 'object')
    throw new InvalidResourceError(step, value, 'its hooks are not an object');
  const object = value as Record<string, unknown>;
  if (strict) {
    const unknown = Object.keys(object).filter((key) => !isHookName(key) && !isInfo(key));
    if (unknown.length > 0) invalid(step, value, unknown);
  }
  const hooks: ResourceHooks = {};
  for (const name of HOOKS) {
    const fn = object[name];
    if (fn === undefined) continue;
    if (typeof fn !== 'function') throw new InvalidResourceError(step, value, `its "${name}" is not a function`);
    // A hook that cannot read an argument is called without one: runHook then creates no AbortSignal for it.
    hooks[name] = takesNoArguments(fn as Fn)
      ? () => (fn as Fn).call(value)
      : (signal: AbortSignal) => (fn as Fn).call(value, signal);
  }
  if (Object.keys(hooks).length === 0) throw new InvalidResourceError(step, value, 'it has no hook functions');
  const describe = object[DESCRIBE];
  if (describe !== undefined && typeof describe !== 'function')
    throw new InvalidResourceError(step, value, `its "${DESCRIBE}" is not a function`);
  if (describe) hooks.describeOpen = () => (describe as Fn).call(value) as string | undefined;
  const counts = object[COUNTS];
  if (counts !== undefined && typeof counts !== 'function')
    throw new InvalidResourceError(step, value, `its "${COUNTS}" is not a function`);
  if (counts)
    hooks.requestCounts = () => (counts as Fn).call(value) as ReturnType<NonNullable<ResourceHooks['requestCounts']>>;
  return hooks;
}

/** lastcall's own resources may also hand the pre-stop a traffic watch (http servers do). */
function providedHooks(step: string, provided: unknown): ResourceHooks {
  if (provided === null || typeof provided !== 'object' || !('traffic' in provided))
    return pickHooks(step, provided, true);
  const { traffic, ...rest } = provided as ResourceHooks;
  return traffic === undefined ? pickHooks(step, rest, true) : { ...pickHooks(step, rest, true), traffic };
}

function closeHook(resource: object): ResourceHooks | undefined {
  const object = resource as Record<PropertyKey, unknown>;
  const dispose = object[Symbol.asyncDispose];
  if (typeof dispose === 'function') return { close: () => (dispose as Fn).call(resource) };
  for (const method of CLOSERS) {
    const fn = object[method];
    if (typeof fn === 'function') return { close: () => callCloser(resource, fn as Fn) };
  }
  return undefined;
}

function invalid(step: string, resource: unknown, keys: readonly string[], why?: string): never {
  if (why) throw new InvalidResourceError(step, resource, why);
  const others = keys.filter((key) => !isHookName(key));
  const near = others.filter((key) => HOOKS.some((hook) => isNear(key, hook)));
  const unknown = near.length > 0 ? near : others;
  const detail = unknown.map((key) => {
    const near = HOOKS.find((hook) => isNear(key, hook));
    return near ? `"${key}" is not a hook (did you mean "${near}"?)` : `"${key}" is not a hook`;
  });
  throw new InvalidResourceError(step, resource, detail.length > 0 ? detail.join(', ') : undefined);
}

/** Edit distance at most 2, ignoring case: catches `finsh`, `Close`, `drian`. */
function isNear(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > 2) return false;
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return (previous[y.length] ?? 3) <= 2;
}

/** `() => …`, `function name() {…}`, `async close() {…}`: an empty parameter list, read from the source. */
const NO_PARAMETERS = /^(?:async\s*)?(?:\(\s*\)\s*=>|function\s*\*?\s*[\w$]*\s*\(\s*\)|\*?\s*[\w$]+\s*\(\s*\)\s*\{)/;

/**
 * Whether `fn` provably never sees its arguments: no declared parameter (length 0 alone also fits
 * `(...rest)` and `(a = 1)`) and no `arguments` in its source. Bound and native functions, whose
 * source is not shown, may read them.
 */
function takesNoArguments(fn: Fn): boolean {
  if (fn.length !== 0) return false;
  const source = Function.prototype.toString.call(fn);
  return NO_PARAMETERS.test(source) && !source.includes('arguments') && !source.includes('[native code]');
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

/**
 * Why `{ close: pool.end.bind(pool) }` breaks: hooks are called with an AbortSignal, and a bound (or
 * native) closer of a client that takes a first argument may read it as its callback (pg's
 * `Pool.end(cb)` then throws "this._endCallback is not a function"). Such a closer's source cannot
 * be read, so it is named, once, when the step is added.
 */
export function boundCloserWarning(step: string, resource: unknown): string | undefined {
  if (resource === null || typeof resource !== 'object' || Object.getPrototypeOf(resource) !== Object.prototype)
    return undefined;
  for (const hook of HOOKS) {
    const fn = (resource as Record<string, unknown>)[hook];
    if (typeof fn !== 'function' || fn.length === 0) continue;
    const method = /^bound (\w+)$/.exec(fn.name)?.[1] ?? (isNative(fn as Fn) ? fn.name : undefined);
    if (method === undefined || !(CLOSERS as readonly string[]).includes(method)) continue;
    return (
      `step "${step}": its ${hook} hook is a bound "${method}" method, called with an AbortSignal as its first ` +
      `argument, which a callback-style closer (pg's Pool.end(cb)) takes for its callback; pass the client ` +
      `itself (add('${step}', client)) or a function that calls it (${hook}: () => client.${method}())`
    );
  }
  return undefined;
}

function isNative(fn: Fn): boolean {
  return Function.prototype.toString.call(fn).includes('[native code]');
}
