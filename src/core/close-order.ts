import { KIND_TIER } from './kinds.js';
import type { Step } from './step.js';

/**
 * Decides, once the close phase begins, which steps each step's close waits for (`waitsFor`).
 *
 * The rule: a step waits for the steps that depend on it (`dependsOn`, always honoured), and for
 * every step of an earlier tier (server and consumer → other → client → telemetry) unless
 * `dependsOn`, directly or through other steps, orders the two the other way. Without any
 * `dependsOn` a step waits for the tier before it only (which itself waited for the one before).
 */
export function planCloseOrder(steps: readonly Step[]): void {
  for (const step of steps) step.waitsFor = [...step.dependents];
  const tiers: Step[][] = [];
  for (const step of steps) (tiers[KIND_TIER[step.kind]] ??= []).push(step);
  const present = tiers.filter((tier) => tier !== undefined);
  if (!steps.some((step) => step.dependsOn.length > 0)) {
    for (let i = 1; i < present.length; i++) {
      for (const step of present[i] ?? []) step.waitsFor.push(...(present[i - 1] ?? []));
    }
    return;
  }
  // With dependsOn: each tier edge is added unless the other step already waits (transitively) for this one.
  for (let i = 1; i < present.length; i++) {
    for (const step of present[i] ?? []) {
      for (let j = i - 1; j >= 0; j--) {
        for (const earlier of present[j] ?? []) {
          if (!step.waitsFor.includes(earlier) && !waitsTransitively(earlier, step)) step.waitsFor.push(earlier);
        }
      }
    }
  }
}

/** Whether `from`'s close waits, through any chain, for `target`'s. */
function waitsTransitively(from: Step, target: Step): boolean {
  const seen = new Set<Step>();
  const stack = [from];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    if (step === target) return true;
    if (seen.has(step)) continue;
    seen.add(step);
    stack.push(...step.waitsFor);
  }
  return false;
}
