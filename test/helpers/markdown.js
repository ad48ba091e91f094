// README.md and docs/*.md as the tests read them: the files, their fenced code blocks (with the
// `<!-- snippet: … -->` marker before each, if any) and their links.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** README.md and every docs/*.md, as paths relative to the repository root. */
export function documentationFiles() {
  const docs = readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort();
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

export const readDoc = (file) => readFileSync(path.join(root, file), 'utf8');

/**
 * Every fenced block of a markdown text: { lang, code, line (1-based, of the opening fence), marker }.
 * `marker` is the word of a `<!-- snippet: word -->` comment on the lines just before the fence.
 */
export function codeBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})([\w-]*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const end = lines.findIndex((l, j) => j > i && l.startsWith(indent + fence) && l.trim() === fence);
    if (end < 0) throw new Error(`line ${i + 1}: unclosed code fence`);
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const marker = /^<!-- snippet: ([\w-]+) -->$/.exec(lines[before]?.trim() ?? '')?.[1];
    const code = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
    blocks.push({ lang: lang.toLowerCase(), code: `${code}\n`, line: i + 1, marker });
    i = end;
  }
  return blocks;
}

/** The markdown without its fenced blocks and inline code spans (where link syntax is only text). */
export const prose = (markdown) => markdown.replace(/^(\s*)(`{3,})[\s\S]*?^\1\2\s*$/gm, '').replace(/`[^`\n]*`/g, '');

/** Links `[text](target)` outside code, with the 1-based line they are on. */
export function links(markdown) {
  const text = prose(markdown);
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({
    target: m[1],
    line: text.slice(0, m.index).split('\n').length,
  }));
}
