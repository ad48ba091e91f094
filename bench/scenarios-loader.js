// Discovers bench/scenarios/*.js and checks each exported `scenario` has the documented shape.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { benchDir } from './lib.js';

export const scenariosDir = path.join(benchDir, 'scenarios');

/** Scenario names, sorted, from the file names in bench/scenarios. */
export async function listScenarios(dir = scenariosDir) {
  const files = await readdir(dir);
  return files
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Imports and validates the named scenarios (all when `only` is undefined). Throws on a bad one. */
export async function loadScenarios(only, dir = scenariosDir) {
  const available = await listScenarios(dir);
  const names = only ?? available;
  const unknown = names.filter((n) => !available.includes(n));
  if (unknown.length > 0) {
    const error = new Error(
      `Unknown scenario ${unknown.map((n) => `"${n}"`).join(', ')}; available: ${available.join(', ')}`,
    );
    error.usage = true;
    throw error;
  }
  const scenarios = [];
  for (const name of names) {
    const mod = await import(pathToFileURL(path.join(dir, `${name}.js`)).href);
    validateScenario(mod.scenario, name);
    scenarios.push(mod.scenario);
  }
  return scenarios;
}

/** Throws an Error naming the file and the first problem found. */
export function validateScenario(s, name) {
  const fail = (what) => {
    throw new Error(`bench/scenarios/${name}.js: ${what}`);
  };
  if (!s || typeof s !== 'object') fail('must export `scenario` (an object)');
  if (s.name !== name) fail(`scenario.name must be "${name}" (the file name), got ${JSON.stringify(s.name)}`);
  for (const key of ['title', 'meaning']) {
    if (typeof s[key] !== 'string' || s[key] === '') fail(`scenario.${key} must be a non-empty string`);
  }
  if (!Array.isArray(s.libraries) || s.libraries.length === 0 || !s.libraries.every((l) => typeof l === 'string')) {
    fail('scenario.libraries must be a non-empty array of strings');
  }
  if (new Set(s.libraries).size !== s.libraries.length) fail('scenario.libraries has duplicates');
  if (!s.figures || typeof s.figures !== 'object' || Object.keys(s.figures).length === 0) {
    fail('scenario.figures must map figure keys to { label, better?, kind? }');
  }
  for (const [key, f] of Object.entries(s.figures)) {
    if (typeof f?.label !== 'string') fail(`figures.${key}.label must be a string`);
    if (f.better !== undefined && f.better !== 'lower' && f.better !== 'higher') {
      fail(`figures.${key}.better must be 'lower', 'higher' or absent`);
    }
    if (f.kind !== undefined && f.kind !== 'number' && f.kind !== 'set')
      fail(`figures.${key}.kind must be 'number' or 'set'`);
  }
  for (const key of ['capMs', 'quickCapMs']) {
    if (s[key] !== undefined && !(typeof s[key] === 'number' && s[key] > 0 && Number.isFinite(s[key]))) {
      fail(`scenario.${key} must be a positive number of ms`);
    }
  }
  if (s.capMs === undefined) fail('scenario.capMs is required');
  if (typeof s.run !== 'function') fail('scenario.run must be a function');
}
