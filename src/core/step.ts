import { DependencyCycleError, DuplicateStepError, UnknownDependencyError } from '../errors.js';
import { normalizeResource } from './resource.js';
import type { AddOptions, ResourceHooks, StepReport } from './types.js';
import { validateDuration, validateOptions, validateString, validateStringArray } from './validate.js';

export interface Step {
  name: string;
  hooks: ResourceHooks;
  timeoutMs: number;
  dependsOn: readonly string[];
  /** Steps that depend on this one: they close first. */
  dependents: Step[];
  /** Closed at shutdown: no start hook, or its start hook ran (ok, or timed out and may yet succeed). */
  live: boolean;
  /** The start hook's report, while it runs. */
  starting: Promise<StepReport> | undefined;
  closing: boolean;
  finishing: boolean;
}

/** Validates `add()`'s arguments against the steps added so far and builds the step. */
export function createStep(
  name: unknown,
  resource: unknown,
  options: AddOptions | undefined,
  steps: ReadonlyMap<string, Step>,
  defaultTimeoutMs: number,
): Step {
  validateString('name', name);
  if (steps.has(name)) throw new DuplicateStepError(name);
  validateOptions(options, ['timeoutMs', 'dependsOn'], `add("${name}")`);
  const timeoutMs = options?.timeoutMs ?? defaultTimeoutMs;
  validateDuration('timeoutMs', timeoutMs);
  const dependsOn = options?.dependsOn ?? [];
  validateStringArray('dependsOn', dependsOn);
  for (const dependency of dependsOn) {
    // Dependencies must already exist, so the only cycle that can be written is a self-reference.
    if (dependency === name) throw new DependencyCycleError([name, name]);
    if (!steps.has(dependency)) throw new UnknownDependencyError(name, dependency);
  }
  return {
    name,
    hooks: normalizeResource(name, resource),
    timeoutMs,
    dependsOn: [...new Set(dependsOn)],
    dependents: [],
    live: true,
    starting: undefined,
    closing: false,
    finishing: false,
  };
}
