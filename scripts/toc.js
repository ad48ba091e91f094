// README's table of contents: the `## ` headings between <!-- toc --> and <!-- /toc -->, as GitHub
// anchors them. `npm run toc` rewrites it; `node scripts/toc.js --check` fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const START = '<!-- toc -->';
const END = '<!-- /toc -->';

/** Every heading of README (outside code fences) as { level, text, slug }, slugs as GitHub makes them. */
export function headings(markdown) {
  const seen = new Map();
  const result = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const match = fenced ? null : /^(#{1,6}) (.+?)\s*$/.exec(line);
    if (!match) continue;
    const base = match[2]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.push({ level: match[1].length, text: match[2], slug: count === 0 ? base : `${base}-${count}` });
  }
  return result;
}

/** The README with its table of contents regenerated. */
export function withTableOfContents(markdown) {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  const entries = headings(markdown).filter((h) => h.level === 2 && h.text !== 'Contents');
  const list = entries.map((h) => `- [${h.text}](#${h.slug})`).join('\n');
  return `${markdown.slice(0, start)}${START}\n${list}\n${markdown.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = new URL('../README.md', import.meta.url);
  const current = readFileSync(file, 'utf8');
  const next = withTableOfContents(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('README.md: the table of contents is stale; run `npm run toc`');
      process.exitCode = 1;
    }
  } else if (next !== current) {
    writeFileSync(file, next);
  }
}
