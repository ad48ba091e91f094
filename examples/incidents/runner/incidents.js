// The one place that runs an incident scenario and returns its figures: `npm run incidents`,
// `npm run demo` and test/examples/ all go through runIncident().
import * as agentWorker from '../1-agent-worker/scenario.js';
import * as runnerSupervisor from '../2-runner-supervisor/scenario.js';
import * as agentSession from '../3-agent-session/scenario.js';
import * as gateway from '../4-gateway/scenario.js';
import * as cliTransport from '../5-cli-transport/scenario.js';

export const incidents = [agentWorker, runnerSupervisor, agentSession, gateway, cliTransport].map((m) => ({
  ...m.incident,
  run: m.run,
}));
export const variants = ['broken', 'fixed'];

/**
 * Runs one variant of one incident under the service manager (SIGTERM, then SIGKILL after the grace
 * period) and returns its figures: `exitMs`, `killed`, `code`, `happened`, `workLost`, `orphans`,
 * `filesLeft`, plus the incident's own (see each scenario.js).
 */
export async function runIncident(id, variant, options = {}) {
  const incident = incidents.find((i) => i.id === id || i.id.startsWith(`${id}-`));
  if (!incident) throw new Error(`unknown incident "${id}"; expected one of ${incidents.map((i) => i.id).join(', ')}`);
  if (!variants.includes(variant)) throw new Error(`unknown variant "${variant}"; expected broken or fixed`);
  const figures = await incident.run(variant, options);
  return { incident: incident.id, title: incident.title, variant, ...figures };
}

/** Every incident, broken then fixed, one at a time (they measure time; running them together would skew it). */
export async function runAll({ only, onResult = () => {} } = {}) {
  const rows = [];
  for (const incident of incidents) {
    if (only && !only.some((id) => incident.id.startsWith(id))) continue;
    for (const variant of variants) {
      const row = await runIncident(incident.id, variant);
      rows.push(row);
      onResult(row);
    }
  }
  return rows;
}

/** "3.0 s, SIGKILL" or "0.3 s, exit 0": how and when the service ended. */
export function describeExit(row) {
  const seconds = `${(row.exitMs / 1000).toFixed(1)} s`;
  return row.killed ? `${seconds}, SIGKILL` : `${seconds}, exit ${row.code}`;
}

/** The figures as one line, for test diagnostics: `exitMs=3011 killed=true jobsAfterSignal=23 …`. */
export function figures(row) {
  return Object.entries(row)
    .filter(([key]) => !['incident', 'title', 'variant', 'happened'].includes(key))
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'number' ? Math.round(value) : Array.isArray(value) ? value.join(',') || '-' : value}`,
    )
    .join(' ');
}
