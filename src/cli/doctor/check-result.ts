// A check's result from the table in checks.ts: its status and message for the outcome evaluate.ts
// decided, and the table as the docs' markdown.
import { type Check, type CheckEntry, type CheckId, CHECKS, type CheckVars, type Outcome } from './checks.js';

type OutcomeOf<I extends CheckId> = keyof Extract<(typeof CHECKS)[number], { id: I }>['outcomes'];

/** The check `id` with the outcome the evaluation decided, its message built from `vars`. */
export function checkResult<I extends CheckId>(
  id: I,
  outcome: OutcomeOf<I> & string,
  vars: CheckVars = {},
  value: number | null = null,
): Check {
  const entry: CheckEntry = CHECKS.find((c) => c.id === id) as CheckEntry;
  const o = entry.outcomes[outcome] as Outcome;
  return {
    id,
    status: o.status,
    message: o.fix === undefined ? o.message(vars) : `${o.message(vars)}. Fix: ${o.fix}`,
    value,
  };
}

/** The checks as the docs' markdown table: id, passes when, fails (or warns) when. */
export function markdownChecksTable(): string {
  const rows = CHECKS.map((c: CheckEntry) => `| \`${c.id}\` | ${c.passes} | ${c.failsWhen} |`);
  return ['| id | passes when | fails (or warns) when |', '|---|---|---|', ...rows].join('\n');
}
