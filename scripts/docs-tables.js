// The CLI's flag and exit-code tables in README.md and docs/*.md, generated from the tables in
// src/cli (run/flags.ts, doctor/flags.ts, report.ts, run/exit-codes.ts, doctor/checks.ts) between markers such as
// <!-- lastcall:flags run --> … <!-- /lastcall:flags run -->. `npm run docs:tables` rewrites them;
// `node scripts/docs-tables.js --check` (and test/package/docs-tables.test.js) fails when one is stale.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const modules = join(root, 'build/modules/cli');

/** Block name (`flags run`) → its markdown, from the built tables. */
export async function generators() {
  const { markdownFlagTable } = await import(join(modules, 'flags.js'));
  const { RUN_FLAGS } = await import(join(modules, 'run/flags.js'));
  const { DOCTOR_FLAGS } = await import(join(modules, 'doctor/flags.js'));
  const { markdownExitCodes } = await import(join(modules, 'flags.js'));
  const { DOCTOR_EXIT_CODES } = await import(join(modules, 'doctor/flags.js'));
  const { REPORT_ARGUMENTS, REPORT_EXIT_CODES, REPORT_FLAGS } = await import(join(modules, 'report.js'));
  const { markdownExitCodeTable } = await import(join(modules, 'run/exit-codes.js'));
  const { markdownChecksTable } = await import(join(modules, 'doctor/check-result.js'));
  return new Map([
    ['flags run', markdownFlagTable(RUN_FLAGS)],
    ['flags doctor', markdownFlagTable(DOCTOR_FLAGS)],
    ['flags report', markdownFlagTable(REPORT_FLAGS, REPORT_ARGUMENTS)],
    ['exit-codes run', markdownExitCodeTable()],
    ['exit-codes doctor', markdownExitCodes(DOCTOR_EXIT_CODES)],
    ['exit-codes report', markdownExitCodes(REPORT_EXIT_CODES)],
    ['checks doctor', markdownChecksTable()],
  ]);
}

const BLOCK = /<!-- lastcall:([a-z-]+ [a-z-]+) -->\n[\s\S]*?<!-- \/lastcall:\1 -->/g;

/** `markdown` with every block regenerated; an unknown block name throws. */
export function rewrite(markdown, tables) {
  return markdown.replace(BLOCK, (_, name) => {
    const table = tables.get(name);
    if (table === undefined)
      throw new Error(`unknown block <!-- lastcall:${name} -->; known: ${[...tables.keys()].join(', ')}`);
    return `<!-- lastcall:${name} -->\n${table}\n<!-- /lastcall:${name} -->`;
  });
}

/** The names of the blocks in `markdown`. */
export function blockNames(markdown) {
  return [...markdown.matchAll(BLOCK)].map((m) => m[1]);
}

/** README.md and every docs/*.md, as { path, text }. */
export function markdownFiles() {
  const docs = join(root, 'docs');
  const paths = [
    join(root, 'README.md'),
    ...(existsSync(docs)
      ? readdirSync(docs)
          .filter((f) => f.endsWith('.md'))
          .map((f) => join(docs, f))
      : []),
  ];
  return paths.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tables = await generators();
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const { path, text } of markdownFiles()) {
    const next = rewrite(text, tables);
    if (next === text) continue;
    stale++;
    if (check) console.error(`${path}: a lastcall:… table is stale; run npm run docs:tables`);
    else writeFileSync(path, next);
  }
  if (check && stale > 0) process.exitCode = 1;
}
