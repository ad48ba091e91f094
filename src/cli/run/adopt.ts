import { createRequire } from 'node:module';
import { basename } from 'node:path';

import { UsageError } from '../errors.js';

/** `node`, `nodejs`, `node20`, `/usr/bin/node`: commands --adopt knows are Node itself. */
const NODE = /^node(js|\d+)?(\.exe)?$/;

/**
 * `--adopt` preloads `lastcall/auto` into a Node child. Any other command is a usage error: a shell
 * script or `npm start` would pass NODE_OPTIONS to every Node process beneath it (npm's own
 * included), so they must say which one by running it as `node app.js`.
 */
export function validateAdoptCommand(command: string): void {
  if (NODE.test(basename(command))) return;
  throw new UsageError(`--adopt: the command must be node (lastcall run --adopt -- node app.js), got "${command}"`);
}

/**
 * The child's environment under --adopt: NODE_OPTIONS gains `--require` of this package's own
 * CommonJS `lastcall/auto` (absolute; works for ESM and CommonJS apps on every Node 20). Its deadline
 * is the one every child of `run` is handed (LASTCALL_DEADLINE_MS, added by spawnManaged).
 */
export function adoptEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const auto = createRequire(import.meta.url).resolve('lastcall/auto');
  const quoted = `"${auto.replace(/(["\\])/g, '\\$1')}"`;
  const nodeOptions = [env.NODE_OPTIONS, `--require ${quoted}`].filter(Boolean).join(' ');
  return { ...env, NODE_OPTIONS: nodeOptions };
}
