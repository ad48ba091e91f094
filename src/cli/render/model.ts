// What the one renderer draws: a table of rows (checks or steps) above a timeline of lanes on one
// time axis. Doctor results, the library's ShutdownReport and `lastcall run --report` all become this.

export interface RenderRow {
  id: string;
  /** pass | warn | fail | skip (steps map ok → pass, failed/timed-out → fail). */
  status: string;
  message: string;
  value: number | null;
}

export interface RenderBar {
  startMs: number;
  endMs: number;
  /** CSS classes, e.g. `req ok`, `proc orphan`, `step timed-out`. */
  kind: string;
  /** Tooltip text. */
  title: string;
  /** Extra data-* attributes (e.g. pid). */
  data?: Record<string, string>;
}

export interface RenderLane {
  label: string;
  bars: RenderBar[];
}

export interface RenderMark {
  atMs: number;
  label: string;
  kind: string;
}

export interface RenderDoc {
  title: string;
  /** pass | warn | fail, or a report's outcome. */
  verdict: string;
  summary: string;
  rowsTitle: string;
  rows: RenderRow[];
  lanes: RenderLane[];
  marks: RenderMark[];
  /** Colour key shown above the timeline: [label, CSS colour], 'line' for a vertical mark's dashed line, 'box' for an outline. */
  legend: Array<[string, string] | [string, string, 'line' | 'box']>;
  /** Open connections over time, drawn as a step line in its own lane. */
  series?: { label: string; points: Array<[number, number]> };
  startMs: number;
  endMs: number;
}
