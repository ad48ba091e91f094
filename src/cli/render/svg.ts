// The timeline as an SVG: one row per lane, bars on a shared ms axis, vertical marks (signal,
// deadline, exit) across all lanes, and the open-connections series as a step line.
import type { RenderDoc } from './model.js';

const WIDTH = 1100;
const LABEL_W = 240;
/** Lane labels are monospace 11px (about 6.6 px a character): this many fit LABEL_W with room to spare. */
const LABEL_CHARS = 32;
const LANE_H = 16;
const AXIS_H = 24;
const SERIES_H = 60;
const PLOT_W = WIDTH - LABEL_W - 40;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderSvg(doc: RenderDoc): string {
  const span = Math.max(1, doc.endMs - doc.startMs);
  const x = (ms: number): number => LABEL_W + ((ms - doc.startMs) / span) * PLOT_W;
  // Inputs are validated where they are read; should a NaN still get here, it is drawn at 0, never as "NaN".
  const f = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '0');
  const seriesH = doc.series && doc.series.points.length ? SERIES_H : 0;
  const lanesTop = AXIS_H + seriesH;
  const height = lanesTop + doc.lanes.length * LANE_H + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="timeline">`,
  ];
  for (const tick of ticks(doc.startMs, doc.endMs)) {
    out.push(
      `<line class="grid" x1="${f(x(tick))}" y1="${AXIS_H - 4}" x2="${f(x(tick))}" y2="${height}"/>`,
      `<text class="tick" x="${f(x(tick))}" y="${AXIS_H - 8}">${tick} ms</text>`,
    );
  }
  if (doc.series && seriesH) {
    const max = Math.max(1, ...doc.series.points.map(([, v]) => v));
    const y = (v: number): number => AXIS_H + seriesH - 6 - (v / max) * (seriesH - 12);
    const path = doc.series.points.map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${f(x(t))},${f(y(v))}`).join(' ');
    out.push(
      `<text class="label" x="4" y="${AXIS_H + seriesH / 2}">${escapeXml(doc.series.label)} (max ${max})</text>`,
      `<path class="series" d="${path}"/>`,
    );
  }
  doc.lanes.forEach((lane, i) => {
    const top = lanesTop + i * LANE_H;
    const label = lane.label.length > LABEL_CHARS ? `${lane.label.slice(0, LABEL_CHARS - 1)}…` : lane.label;
    out.push(
      `<g class="lane"><text class="label" x="4" y="${top + LANE_H - 4}">${escapeXml(label)}<title>${escapeXml(lane.label)}</title></text>`,
    );
    for (const bar of lane.bars) {
      const left = x(bar.startMs);
      const width = Math.max(2, x(bar.endMs) - left);
      const data = Object.entries(bar.data ?? {})
        .map(([k, v]) => ` data-${k}="${escapeXml(v)}"`)
        .join('');
      out.push(
        `<rect class="bar ${escapeXml(bar.kind)}"${data} x="${f(left)}" y="${top + 2}" width="${f(width)}" height="${LANE_H - 4}"><title>${escapeXml(bar.title)}</title></rect>`,
      );
    }
    out.push('</g>');
  });
  for (const mark of doc.marks) {
    out.push(
      `<line class="mark ${escapeXml(mark.kind)}" x1="${f(x(mark.atMs))}" y1="${AXIS_H}" x2="${f(x(mark.atMs))}" y2="${height}"><title>${escapeXml(mark.label)} at ${Math.round(mark.atMs)} ms</title></line>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

/** About eight round tick values between start and end. */
function ticks(start: number, end: number): number[] {
  const raw = (end - start) / 8;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? pow * 10;
  const out: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) out.push(t);
  return out;
}
