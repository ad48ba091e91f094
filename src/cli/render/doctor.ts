// A doctor result → the render model: signal, readiness, intake, one lane per client, open
// connections, one bar per process (orphans marked), and the exit.
import type { AnsweredPhase, DoctorResult, TimelineEvent } from '../doctor/result.js';
import { UsageError } from '../errors.js';
import type { RenderBar, RenderDoc, RenderLane } from './model.js';
import { validateMs } from './report.js';

/** Beyond this many clients the page would be mostly client lanes; the JSON keeps them all. */
const MAX_CLIENT_LANES = 40;

const ANSWERED: readonly string[] = ['before-signal', 'after-signal', 'after-deadline'] satisfies AnsweredPhase[];

type Of<K extends TimelineEvent['kind']> = Extract<TimelineEvent, { kind: K }>;

const EVENT_NUMBERS = [
  'atMs',
  'startMs',
  'endMs',
  'firstAnswerMs',
  'lastAnswerMs',
  'open',
  'count',
  'pid',
  'ppid',
] as const;

/** Throws a UsageError naming `source` and the first number of the result that cannot be drawn. */
export function validateDoctorLike(result: DoctorResult, source: string): DoctorResult {
  const fail = (why: string): never => {
    throw new UsageError(`${source}: not a lastcall doctor result: ${why}`);
  };
  result.timeline.forEach((event: unknown, i) => {
    if (typeof event !== 'object' || event === null) return fail(`timeline[${i}] is not an object`);
    const e = event as Record<string, unknown>;
    for (const key of EVENT_NUMBERS) if (key in e) validateMs(fail, `timeline[${i}].${key}`, e[key], false);
    if ('answered' in e && !ANSWERED.includes(e.answered as string))
      fail(`timeline[${i}].answered is not one of ${ANSWERED.join(', ')}`);
  });
  result.checks.forEach((check: unknown, i) => {
    const c = check as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null) return fail(`checks[${i}] is not an object`);
    for (const key of ['id', 'status', 'message'])
      if (typeof c[key] !== 'string') fail(`checks[${i}].${key} is not a string`);
    if (c.value !== null && (typeof c.value !== 'number' || !Number.isFinite(c.value)))
      fail(`checks[${i}].value is not a number or null`);
  });
  return result;
}

export function doctorDoc(result: DoctorResult): RenderDoc {
  const t = result.timeline;
  const pick = <K extends TimelineEvent['kind']>(kind: K): Array<Of<K>> => t.filter((e): e is Of<K> => e.kind === kind);
  const times = t.flatMap((e) => ('atMs' in e ? [e.atMs] : [e.startMs, e.endMs]));
  const segment = (lane: string, e: Of<'intake' | 'readiness' | 'requests'>): RenderBar => ({
    startMs: e.startMs,
    endMs: e.endMs,
    kind: `seg ${e.outcome}`,
    title: `${lane}: ${e.count} × ${e.outcome} (${Math.round(e.startMs)}–${Math.round(e.endMs)} ms)`,
  });
  const lanes: RenderLane[] = [];
  const signals = [...pick('signal'), ...pick('second-signal')];
  lanes.push({
    label: 'signal',
    bars: signals.map((s) => ({
      startMs: s.atMs,
      endMs: s.atMs,
      kind: 'signal',
      title: `${s.label} at ${Math.round(s.atMs)} ms`,
    })),
  });
  const readiness = pick('readiness');
  if (readiness.length) lanes.push({ label: 'readiness probe', bars: readiness.map((e) => segment('readiness', e)) });
  lanes.push({ label: 'new connections', bars: pick('intake').map((e) => segment('intake', e)) });
  const clients = new Map<number, RenderBar[]>();
  const signalLabel = signals[0]?.label ?? 'the signal';
  for (const e of pick('requests')) {
    const bars = clients.get(e.client) ?? [];
    bars.push(answers(e, signalLabel));
    clients.set(e.client, bars);
  }
  const drawn = [...clients].sort((a, b) => a[0] - b[0]);
  for (const [client, bars] of drawn.slice(0, MAX_CLIENT_LANES)) lanes.push({ label: `client ${client}`, bars });
  if (drawn.length > MAX_CLIENT_LANES)
    lanes.push({ label: `(${drawn.length - MAX_CLIENT_LANES} more clients not drawn)`, bars: [] });
  for (const p of pick('process')) {
    lanes.push({
      label: `pid ${p.pid}${p.orphan ? ' (orphan)' : ''}: ${shortCommand(p.command)}`,
      bars: [
        {
          startMs: p.startMs,
          endMs: p.endMs,
          kind: p.orphan ? 'proc orphan' : 'proc',
          title: `pid ${p.pid} (parent ${p.ppid}): ${oneLine(p.command)}`,
          data: { pid: String(p.pid) },
        },
      ],
    });
  }
  const exit = pick('exit')[0];
  lanes.push({
    label: 'exit',
    bars: exit
      ? [
          {
            startMs: exit.atMs,
            endMs: exit.atMs,
            kind: exit.killedByDoctor ? 'exit killed' : 'exit',
            title: `${exit.label} at ${Math.round(exit.atMs)} ms`,
          },
        ]
      : [],
  });
  const failed = result.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  return {
    title: `lastcall doctor: ${result.command.join(' ')}`,
    verdict: result.verdict,
    summary: `${failed.length ? `failed: ${failed.join(', ')}; ` : ''}${result.runs} run(s); timeline of the first run, ms since start`,
    rowsTitle: 'checks',
    rows: result.checks,
    lanes,
    marks: [
      ...signals.map((s) => ({ atMs: s.atMs, label: s.label, kind: 'signal' })),
      ...pick('deadline').map((d) => ({ atMs: d.atMs, label: 'deadline', kind: 'deadline' })),
      ...(exit ? [{ atMs: exit.atMs, label: exit.label, kind: 'exit' }] : []),
    ],
    legend: [
      ['answered before the signal (faded)', '#a5d6a7'],
      ['answered after the signal (outlined)', '#6a1b9a', 'box'],
      ['answered after the deadline', '#c62828', 'box'],
      ['ok / served / alive', '#43a047'],
      ['Connection: close', '#9ccc65'],
      ['refused', '#90a4ae'],
      ['reset / error', '#e53935'],
      ['5xx', '#fb8c00'],
      ['orphan / killed', '#c62828'],
      ['signal', '#6a1b9a'],
      ['signal sent', '#6a1b9a', 'line'],
      ['deadline', '#c62828', 'line'],
      ['service exit', '#000', 'line'],
    ],
    series: { label: 'open connections', points: pick('connections').map((c) => [c.atMs, c.open]) },
    startMs: 0,
    endMs: Math.max(1, ...times),
  };
}

const PHASE_TEXT: Record<string, (signal: string) => string> = {
  'before-signal': (signal) => `before ${signal}`,
  'after-signal': (signal) => `after ${signal}`,
  'after-deadline': () => 'after the deadline',
};

/**
 * A client's run of answers, drawn where the answers came (first to last answer), so a 5xx given
 * after the signal is right of the signal line whenever its request was sent; the tooltip has both
 * times. A result from before answer times were recorded is drawn from its send times.
 */
function answers(e: Of<'requests'>, signal: string): RenderBar {
  const old: Partial<Of<'requests'>> = e;
  const from = old.firstAnswerMs ?? e.startMs;
  const to = old.lastAnswerMs ?? e.endMs;
  const phase = old.answered ?? '';
  const when = PHASE_TEXT[phase] ? ` (${PHASE_TEXT[phase](signal)})` : '';
  return {
    startMs: from,
    endMs: to,
    kind: `seg ${e.outcome}${phase ? ` ${phase}` : ''}`,
    title: `client ${e.client}: ${e.count} × ${e.outcome}; sent from ${Math.round(e.startMs)} ms, answered ${Math.round(from)}–${Math.round(to)} ms${when}`,
    data: { answered: phase },
  };
}

/** A command on one line: control characters (a newline would split a log line) escaped as \n, \t, \xNN. */
export function oneLine(command: string): string {
  return command.replace(/[\x00-\x1f\x7f]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\t'
        ? '\\t'
        : c === '\r'
          ? '\\r'
          : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** One line, at most 80 characters: a longer command is cut, with an ellipsis saying so. */
export function shortCommand(command: string): string {
  const line = oneLine(command);
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
