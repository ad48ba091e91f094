// Reads the `lastcall run` recipes out of docs/cli-run.md, so the tests run exactly what the docs show.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const section = readFileSync(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'cli-run.md'),
  'utf8',
);

/** The first line of the section's recipes that starts with `prefix` (after indentation). */
export function recipeLine(prefix, after = '## Recipes') {
  const from = section.indexOf(after);
  const line = section
    .slice(from)
    .split('\n')
    .find((l) => l.trim().startsWith(prefix));
  if (!line) throw new Error(`docs/cli-run.md: no recipe line starting with ${prefix}`);
  return line.trim().slice(prefix.length).trim();
}

/** A JSON array recipe line (`ENTRYPOINT [...]`, `command: [...]`). */
export const recipeArray = (prefix, after) => JSON.parse(recipeLine(prefix, after));
