// One self-contained HTML page (no network): title, verdict, the rows table, the SVG timeline, a legend.
import type { RenderDoc } from './model.js';
import { escapeXml, renderSvg } from './svg.js';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 18px; margin: 0 0 4px; }
.verdict { font-weight: bold; padding: 2px 8px; border-radius: 4px; color: #fff; }
.v-pass, .v-clean { background: #2e7d32; } .v-warn { background: #ef6c00; } .v-fail, .v-failed, .v-timed-out, .v-forced { background: #c62828; }
table.rows { border-collapse: collapse; margin: 12px 0 20px; max-width: 1100px; }
table.rows td, table.rows th { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
td.status { font-weight: bold; } .s-pass { color: #2e7d32; } .s-warn { color: #ef6c00; } .s-fail { color: #c62828; } .s-skip { color: #777; }
svg.timeline { border: 1px solid #ddd; background: #fafafa; }
svg .tick { font-size: 10px; fill: #666; text-anchor: middle; } svg .label { font: 11px monospace; fill: #333; }
svg .grid { stroke: #e4e4e4; } svg .series { fill: none; stroke: #1565c0; stroke-width: 1.5; }
svg .mark { stroke-width: 1.5; stroke-dasharray: 4 3; } svg .mark.signal { stroke: #6a1b9a; } svg .mark.deadline { stroke: #c62828; } svg .mark.exit { stroke: #000; }
svg .bar { fill: #9e9e9e; }
svg .ok, svg .served, svg .\\32 xx, svg .proc, svg .step.ok { fill: #43a047; }
svg .closing { fill: #9ccc65; } svg .refused, svg .non-2xx { fill: #90a4ae; } svg .reset, svg .error, svg .timeout { fill: #e53935; }
svg .\\35 xx { fill: #fb8c00; } svg .proc.orphan { fill: #c62828; } svg .signal { fill: #6a1b9a; } svg .exit { fill: #000; } svg .exit.killed { fill: #c62828; }
svg .seg.before-signal { fill-opacity: 0.45; } svg .seg.after-signal { stroke: #6a1b9a; stroke-width: 1.5; } svg .seg.after-deadline { stroke: #c62828; stroke-width: 2; }
svg .step.failed { fill: #e53935; } svg .step.timed-out { fill: #fb8c00; } svg .step.skipped { fill: #bdbdbd; }
.legend span { display: inline-block; margin-right: 12px; font-size: 12px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
`;

export function renderHtml(doc: RenderDoc): string {
  const rows = doc.rows
    .map(
      (r) =>
        `<tr class="row" data-id="${escapeXml(r.id)}"><td>${escapeXml(r.id)}</td><td class="status s-${escapeXml(r.status)}">${escapeXml(r.status)}</td><td>${r.value ?? ''}</td><td>${escapeXml(r.message)}</td></tr>`,
    )
    .join('\n');
  const legend = doc.legend
    .map(([label, color, line]) =>
      line === 'line'
        ? `<span class="legend-line"><i style="border-left:2px dashed ${color};width:0"></i>${escapeXml(label)}</span>`
        : line === 'box'
          ? `<span class="legend-box"><i style="border:2px solid ${color};width:6px;height:6px"></i>${escapeXml(label)}</span>`
          : `<span><i style="background:${color}"></i>${escapeXml(label)}</span>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(doc.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeXml(doc.title)}</h1>
<p><span class="verdict v-${escapeXml(doc.verdict)}">${escapeXml(doc.verdict.toUpperCase())}</span> ${escapeXml(doc.summary)}</p>
<table class="rows ${escapeXml(doc.rowsTitle)}"><thead><tr><th>${escapeXml(doc.rowsTitle === 'checks' ? 'check' : 'step')}</th><th>status</th><th>value</th><th>what was seen</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<div class="legend">${legend}</div>
${renderSvg(doc)}
</body></html>
`;
}
