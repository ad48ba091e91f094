import { performance } from 'node:perf_hooks';

import { messageOf } from '../internal/describe.js';
import type { InternalLogger } from './logger.js';
import type { Phase, ResourceHooks } from './types.js';

/** A shutdown still running after this long logs what it waits for, and again at each interval. */
export const PROGRESS_INTERVAL_MS = 2_000;
const MAX_NAMED = 10;
/** A describer's text is cut here: one progress line must stay one line. */
const MAX_DESCRIPTION = 200;

/** What progress reads of a step: whether its drain began, and its describer. */
export interface DescribedStep {
  hooks: ResourceHooks;
  draining: boolean;
}

/**
 * Logs one progress line per interval while a shutdown runs, naming what is still open
 * (`describe` returns undefined when nothing is). Returns the function that stops it.
 */
export function startProgress(
  logger: InternalLogger,
  originMs: number,
  describe: () => string | undefined,
): () => void {
  const timer = setInterval(() => {
    const open = describe();
    if (open)
      logger.log('info', {}, `still waiting after ${Math.round((performance.now() - originMs) / 1000)} s: ${open}`);
  }, PROGRESS_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * "http (drain): 2 requests in flight, 43 sockets open (40 idle); cache (close); 3 tracked in
 * flight", or undefined when nothing is open: the steps running, what each step that began
 * draining says it still has open (`describeOpen`), and the tracked work.
 */
export function describeOpen(
  running: Iterable<{ name: string; phase: Phase }>,
  steps: ReadonlyMap<string, DescribedStep>,
  pendingWork: number,
): string | undefined {
  const open: string[] = [];
  const named = new Set<string>();
  for (const { name, phase } of running) {
    named.add(name);
    const detail = askStep(steps.get(name));
    open.push(detail === undefined ? `${name} (${phase})` : `${name} (${phase}): ${detail}`);
  }
  for (const [name, step] of steps) {
    // Before its drain (the pre-stop delay) a server still serves: nothing to wait for yet.
    if (named.has(name) || !step.draining) continue;
    const detail = askStep(step);
    if (detail !== undefined) open.push(`${name}: ${detail}`);
  }
  const shown = open.slice(0, MAX_NAMED);
  if (open.length > MAX_NAMED) shown.push(`${open.length - MAX_NAMED} more steps`);
  if (pendingWork > 0) shown.push(`${pendingWork} tracked in flight`);
  return shown.length > 0 ? shown.join('; ') : undefined;
}

function askStep(step: DescribedStep | undefined): string | undefined {
  return askOpen(step?.hooks.describeOpen);
}

/** A step's own account of what it has open, as one line; a throwing describer is named, never thrown on. */
export function askOpen(describe: (() => string | undefined) | undefined): string | undefined {
  if (!describe) return undefined;
  let text: unknown;
  try {
    text = describe();
  } catch (error) {
    text = `describeOpen threw: ${messageOf(error)}`;
  }
  if (typeof text !== 'string') return undefined;
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return undefined;
  return line.length > MAX_DESCRIPTION ? `${line.slice(0, MAX_DESCRIPTION)}…` : line;
}
