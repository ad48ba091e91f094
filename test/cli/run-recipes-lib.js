// Reads the `lastcall run` recipes out of README.md, so the tests run exactly what the README shows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const readme = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## `lastcall run`'), readme.indexOf('## Benchmarks'));

/** The first line of the section's recipes that starts with `prefix` (after indentation). */
export function recipeLine(prefix, after = '### Recipes') {
  const from = section.indexOf(after);
  const line = section.slice(from).split('\n').find((l) => l.trim().startsWith(prefix));
  if (!line) throw new Error(`README: no recipe line starting with ${prefix}`);
  return line.trim().slice(prefix.length).trim();
}

/** A JSON array recipe line (`ENTRYPOINT [...]`, `command: [...]`). */
export const recipeArray = (prefix, after) => JSON.parse(recipeLine(prefix, after));
