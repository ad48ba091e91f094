// Wall-clock bounds in tests are guards, not measurements: the suite must pass on a loaded 2-core
// machine while another `npm test` runs beside it. Tight figures belong in bench/.
import assert from 'node:assert/strict';

/** The guard for something expected to take about `expectedMs`: 5× that, and never under 5 s. */
export function guardMs(expectedMs) {
  return Math.max(5 * expectedMs, 5000);
}

/** `actualMs` is under the guard for `expectedMs` (a hang or an unbounded wait, not a slow machine). */
export function assertGuard(actualMs, expectedMs, what) {
  const bound = guardMs(expectedMs);
  assert.ok(
    actualMs < bound,
    `${what}: ${Math.round(actualMs)} ms, over the ${bound} ms guard (expected about ${expectedMs} ms)`,
  );
}
