import { DependencyCycleError, DuplicateStepError, UnknownDependencyError } from '../errors.js';
import {
  normalizeOptionsObject,
  normalizeStringArray,
  normalizeTimeout,
  validateDuration,
  validateString,
} from '../internal/validate.js';
import { adaptResource } from './adapters.js';
import { inferKind, type StepKind, validateKind } from './kinds.js';
import { normalizeResource } from './resource.js';
import type { ResourceHooks, StepReport } from './types.js';

export interface Step {
  name: string;
  hooks: ResourceHooks;
  /** The step's own bound per hook; Infinity: none (0 was normalized to Infinity). */
  timeoutMs: number;
  dependsOn: readonly string[];
  /** Steps that depend on this one: they close first. Late steps are appended. */
  dependents: Step[];
  kind: StepKind;
  /** Steps whose close this one waits for: its dependents, and earlier tiers (see close-order.ts). */
  waitsFor: Step[];
  /** Closed at shutdown: no start hook, or its start hook ran (ok, or timed out and may yet succeed). */
  live: boolean;
  /** The start hook's report, while it runs. */
  starting: Promise<StepReport> | undefined;
  draining: boolean;
  /** The close phase of this step (waiting for its dependents, then its hook), once scheduled. */
  closing: Promise<void> | undefined;
  /** Its close hook began (or was skipped): a step added now may not depend on it. */
  closeBegan: boolean;
  /** Its close phase is over: the steps it depends on may close. */
  closed: boolean;
  finishing: boolean;
}

/** Validates `add()`'s arguments against the steps added so far and builds the step. */
export function createStep(
  name: unknown,
  resource: unknown,
  options: unknown,
  steps: ReadonlyMap<string, Step>,
  defaultTimeoutMs: number,
): Step {
  validateString('name', name);
  if (steps.has(name)) throw new DuplicateStepError(name);
  const read = normalizeOptionsObject(options, ['timeoutMs', 'dependsOn', 'kind'], `add("${name}")`);
  const timeoutMs = read?.timeoutMs ?? defaultTimeoutMs;
  validateDuration('timeoutMs', timeoutMs);
  const dependsOn = read?.dependsOn === undefined ? [] : normalizeStringArray('dependsOn', read.dependsOn);
  for (const dependency of dependsOn) {
    // Dependencies must already exist, so the only cycle that can be written is a self-reference.
    if (dependency === name) throw new DependencyCycleError([name, name]);
    if (!steps.has(dependency)) throw new UnknownDependencyError(name, dependency);
  }
  const kind = read?.kind ?? inferKind(resource);
  validateKind(kind);
  return {
    name,
    kind,
    waitsFor: [],
    // A raw HTTP server or Fastify instance gets lastcall/http's drain; anything else its hooks or closer.
    hooks: adaptResource(resource) ?? normalizeResource(name, resource),
    timeoutMs: normalizeTimeout(timeoutMs),
    dependsOn: [...new Set(dependsOn)],
    dependents: [],
    live: true,
    starting: undefined,
    draining: false,
    closing: undefined,
    closeBegan: false,
    closed: false,
    finishing: false,
  };
}

/** A step's report says what kind of step it is and, for a close, which steps it waited for. */
export function annotateReport(report: StepReport, step: Step | undefined): void {
  if (!step) return;
  report.kind = step.kind;
  if (report.phase === 'close')
    report.waitedFor = [...new Set([...step.waitsFor, ...step.dependents])].map((other) => other.name);
}
