// Runs one scenario: `runs` rounds, each round every library once in a rotated order, so drift
// (thermal, other load) hits every library alike. Collects raw figures and per-round ratios.
import { killAll, liveCount } from './lib.js';

/** Libraries in the order round `round` runs them: rotated by one each round. */
export function rotate(libraries, round) {
  const k = round % libraries.length;
  return [...libraries.slice(k), ...libraries.slice(0, k)];
}

/** The cap a run gets: capMs normally; quickCapMs, else min(capMs, 2000), in quick mode. */
export function effectiveCapMs(scenario, quick) {
  if (!quick) return scenario.capMs;
  return scenario.quickCapMs ?? Math.min(scenario.capMs, 2000);
}

/** Extra time a run may take beyond its cap (spawn, READY, driving load) before the harness gives up. */
const SLACK_MS = 30_000;

/**
 * Returns { scenario, quick, runs, capMs, rounds: [{ [library]: { figures } | { error } }] }.
 * Never throws for a failing run: the error is recorded and shown as an error row.
 */
export async function runScenario(scenario, { runs, quick, onRun = () => {} }) {
  const capMs = effectiveCapMs(scenario, quick);
  const rounds = [];
  for (let round = 0; round < runs; round++) {
    const results = {};
    for (const library of rotate(scenario.libraries, round)) {
      results[library] = await runOnce(scenario, { library, quick, capMs, round, runs });
      onRun({ scenario: scenario.name, library, round, result: results[library] });
    }
    rounds.push(results);
  }
  return { scenario, quick, runs, capMs, rounds };
}

async function runOnce(scenario, { library, quick, capMs, round, runs }) {
  const controller = new AbortController();
  let timer;
  const giveUp = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`run() did not return within ${capMs + SLACK_MS} ms (cap + ${SLACK_MS} ms slack)`));
    }, capMs + SLACK_MS);
  });
  try {
    const figures = await Promise.race([
      scenario.run({ library, quick, capMs, run: round, runs, signal: controller.signal }),
      giveUp,
    ]);
    return { figures: checkFigures(scenario, figures) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    controller.abort();
    // Whatever the run left behind must not skew the next one.
    if (liveCount() > 0) killAll();
  }
}

function checkFigures(scenario, figures) {
  if (!figures || typeof figures !== 'object')
    throw new Error(`run() returned ${typeof figures}, expected an object of figures`);
  const out = {};
  for (const key of Object.keys(scenario.figures)) {
    const v = figures[key];
    if (v === undefined) throw new Error(`run() returned no figure "${key}"`);
    if (typeof v !== 'string' && !(typeof v === 'number' && !Number.isNaN(v))) {
      throw new Error(`figure "${key}" must be a number or a string, got ${String(v)}`);
    }
    out[key] = v;
  }
  return out;
}
