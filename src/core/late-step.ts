import { LifecycleStateError } from '../errors.js';
import type { Step } from './step.js';
import type { LifecycleState } from './types.js';

/** What add() cannot honour once the lifecycle moved on: it throws, and nothing was added. */
export function validateLateStep(step: Step, state: LifecycleState, steps: ReadonlyMap<string, Step>): void {
  if (state === 'closed') throw new LifecycleStateError(`add step "${step.name}"`, 'closed');
  if (step.hooks.start && state !== 'idle' && state !== 'starting') {
    throw new LifecycleStateError(
      `add step "${step.name}" with a start hook (start() has run: start it yourself, then add its other hooks)`,
      state,
    );
  }
  for (const dependency of step.dependsOn) {
    if (steps.get(dependency)?.closeBegan) {
      throw new LifecycleStateError(
        `add step "${step.name}" depending on "${dependency}" (which has begun closing)`,
        state,
      );
    }
  }
}
