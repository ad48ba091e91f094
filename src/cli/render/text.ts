// The same document as terminal text: title, verdict line, one line per row.
import type { RenderDoc } from './model.js';

export function renderText(doc: RenderDoc): string {
  const width = Math.max(8, ...doc.rows.map((r) => r.id.length));
  const lines = [doc.title, `${doc.verdict.toUpperCase()}: ${doc.summary}`];
  for (const row of doc.rows) lines.push(`  ${row.status.padEnd(5)} ${row.id.padEnd(width)}  ${row.message}`);
  return `${lines.join('\n')}\n`;
}
