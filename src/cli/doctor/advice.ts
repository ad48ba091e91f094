// Advice that fits the service: a Node service without lastcall is pointed at the library, one that
// already uses it at its own deadline, any other (Python, Go, a shell script) at \`lastcall run\`.
import { basename } from 'node:path';

import type { ExplainDump } from './explain.js';

export type ServiceKind = 'node' | 'node-lastcall' | 'other';

/** From the command, what --explain saw inside (lastcall loaded) and lastcall's own log lines. */
export function serviceKind(command: readonly string[], dumps: readonly ExplainDump[], output: string): ServiceKind {
  const program = basename(command[0] ?? '');
  const node = program === basename(process.execPath) || /^(node(js)?\d*|npm|npx|tsx|ts-node)(\.exe)?$/.test(program);
  if (!node) return 'other';
  return dumps.some((d) => d.lastcall === true) || /^lastcall: /m.test(output) ? 'node-lastcall' : 'node';
}

/** The fix for a service doctor had to SIGKILL at the deadline. */
export function exitFix(kind: ServiceKind, signal: string): string {
  if (kind === 'node-lastcall')
    return `it uses lastcall: give its lifecycle a deadline shorter than this one (deadlineMs or LASTCALL_DEADLINE_MS) and read its report for the step that did not finish`;
  if (kind === 'node')
    return `on ${signal}, stop intake, bound every close step and exit (lastcall's createLifecycle enforces one deadline)`;
  return `on ${signal}, stop intake, bound every close step and exit; or run it under \`lastcall run --deadline <d>\`, which stops its whole tree within one deadline from outside`;
}

/** The fix for processes of its tree left alive after it exited. */
export function orphansFix(kind: ServiceKind): string {
  if (kind === 'other')
    return "stop children on shutdown; or run it under `lastcall run`, whose stop signals its whole tree (setsid'd descendants included) and waits for every process of it";
  return 'stop children on shutdown, in their own process group (lastcall/process spawnManaged: its close stops the whole tree)';
}
