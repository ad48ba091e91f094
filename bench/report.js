// Turns raw runs into tables: median and min–max per library and figure, lastcall ÷ best peer per
// round, and the BENCHMARKS.md document. Pure functions (machineInfo aside), tested in test/bench.
import os from 'node:os';

import { median, minMax } from './lib.js';

/** 212 → '212', 12.345 → '12.3', 1.2345 → '1.23'; `digits` forces the decimals. */
export function formatNumber(n, digits) {
  if (!Number.isFinite(n)) return String(n);
  if (digits !== undefined) return n.toFixed(digits);
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  return n.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
}

const isHung = (v) => typeof v === 'string' && v.startsWith('hung');

/** One table cell for one library and figure, from the values of every successful run. */
export function formatCell(values, figure = {}) {
  if (values.length === 0) return '—';
  const nums = values.filter((v) => typeof v === 'number');
  const strings = [...new Set(values.filter((v) => typeof v === 'string'))];
  if (figure.kind === 'set') {
    const distinct = [...new Set(nums)].sort((a, b) => a - b).map((n) => formatNumber(n, figure.digits));
    return [...distinct, ...strings].join(', ');
  }
  const parts = [];
  if (nums.length > 0) {
    const { min, max } = minMax(nums);
    let s = formatNumber(median(nums), figure.digits);
    if (nums.length > 1) s += ` (${formatNumber(min, figure.digits)}–${formatNumber(max, figure.digits)})`;
    parts.push(s);
  }
  for (const str of strings) {
    const count = values.filter((v) => v === str).length;
    parts.push(nums.length > 0 || count < values.length ? `${str} in ${count}/${values.length} runs` : str);
  }
  return parts.join('; ');
}

/**
 * lastcall's figure divided by the best peer's, paired round by round, then the median over rounds.
 * The best peer is one library, the one with the best median: a per-round minimum over several
 * peers that measure alike picks each round's luckiest run, so that even one of them would score
 * above 1 against the others. A hung peer counts as at least the cap when lower is better, so the
 * ratio becomes an upper bound. Returns { ratio, bound, best } or undefined when it cannot be computed.
 */
export function ratioToBestPeer(result, key) {
  const { scenario, rounds, capMs } = result;
  const better = scenario.figures[key]?.better;
  if (!better || !scenario.libraries.includes('lastcall')) return undefined;
  const value = (round, lib) => {
    const raw = round[lib]?.figures?.[key];
    return typeof raw === 'number' ? raw : isHung(raw) && better === 'lower' ? capMs : undefined;
  };
  let best;
  for (const lib of scenario.libraries) {
    if (lib === 'lastcall') continue;
    const m = median(rounds.map((round) => value(round, lib)));
    if (Number.isNaN(m)) continue;
    if (!best || (better === 'lower' ? m < best.m : m > best.m)) best = { m, lib };
  }
  if (!best) return undefined;
  const ratios = [];
  let bound = false;
  for (const round of rounds) {
    const lc = round.lastcall?.figures?.[key];
    const v = value(round, best.lib);
    if (typeof lc !== 'number' || v === undefined || v === 0) continue;
    ratios.push(lc / v);
    if (typeof round[best.lib].figures[key] !== 'number') bound = true;
  }
  if (ratios.length === 0) return undefined;
  return { ratio: median(ratios), bound, best: best.lib };
}

function formatRatio(r) {
  if (!r) return '—';
  return r.bound ? `≤ ${formatNumber(r.ratio)}× (peers hung: cap used)` : `${formatNumber(r.ratio)}× (vs ${r.best})`;
}

/** Markdown table with padded columns (readable as plain text too). Cells: strings. */
export function renderTable(headers, rows) {
  const esc = (s) => String(s).replaceAll('|', '\\|').replaceAll('\n', ' ');
  const all = [headers, ...rows].map((r) => r.map(esc));
  const widths = headers.map((_, i) => Math.max(3, ...all.map((r) => (r[i] ?? '').length)));
  const line = (r) => `| ${widths.map((w, i) => (r[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(all[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...all.slice(1).map(line)].join('\n');
}

/** The table and notes for one scenario result (from harness.runScenario). */
export function renderScenario(result) {
  const { scenario, rounds, runs, capMs } = result;
  const keys = Object.keys(scenario.figures);
  const headers = ['library', ...keys.map((k) => scenario.figures[k].label)];
  const errors = [];
  const rows = scenario.libraries.map((lib) => {
    const outcomes = rounds.map((r) => r[lib]).filter(Boolean);
    const ok = outcomes.filter((o) => o.figures);
    outcomes.forEach((o, i) => {
      if (o.error) errors.push(`${lib}, run ${i + 1}: ${o.error}`);
    });
    const failed = outcomes.length - ok.length;
    const name = failed > 0 && ok.length > 0 ? `${lib} (${failed}/${outcomes.length} runs errored)` : lib;
    if (ok.length === 0)
      return [name, outcomes.length > 0 ? 'error (see below)' : 'not run', ...keys.slice(1).map(() => '—')];
    return [
      name,
      ...keys.map((k) =>
        formatCell(
          ok.map((o) => o.figures[k]),
          scenario.figures[k],
        ),
      ),
    ];
  });
  const hasPeers = scenario.libraries.includes('lastcall') && scenario.libraries.length > 1;
  if (hasPeers && keys.some((k) => scenario.figures[k].better)) {
    rows.push([
      'lastcall ÷ best peer',
      ...keys.map((k) => (scenario.figures[k].better ? formatRatio(ratioToBestPeer(result, k)) : '')),
    ]);
  }
  const out = [
    `## ${scenario.title} (\`${scenario.name}\`)`,
    '',
    scenario.meaning,
    '',
    `${runs} run${runs === 1 ? '' : 's'} per library, alternating; median (min–max); cap ${formatNumber(capMs / 1000)} s.`,
    '',
    renderTable(headers, rows),
  ];
  if (errors.length > 0) out.push('', 'Errors:', '', ...errors.map((e) => `- ${e.replaceAll('\n', ' ')}`));
  return out.join('\n');
}

/** CPU model and count, Node version, OS. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model?.trim() ?? 'unknown CPU'} × ${cpus.length}`,
    node: process.version,
    os: `${os.type()} ${os.release()} (${process.arch})`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  };
}

/** The whole BENCHMARKS.md. */
export function renderDocument({ results, machine, date, command, previous }) {
  const sections = results.map(
    (r) => `${renderScenario(r)}\n\n_Measured by \`${command}\` on ${date}, Node ${machine.node}._\n`,
  );
  return [
    '# Benchmarks',
    '',
    'Generated by `npm run bench`. Do not edit by hand: every figure comes from the run named under its table',
    '(`--only` re-measures some scenarios and keeps the others as they were measured).',
    '',
    `- Machine: ${machine.cpu}, ${machine.memory} RAM, ${machine.os}`,
    '- Each run spawns real processes (one fixture per library, in bench/fixtures/) and sends real signals.',
    '- "lastcall ÷ best peer": lastcall\'s figure divided by that of the peer with the best median (lowest',
    '  where lower is better, highest where higher is), round by round, median over rounds; below 1 means',
    '  lastcall is lower. "≤" means the best peer hung and its cap was used as its figure.',
    '',
    ...mergeSections(
      previous ?? '',
      results.map((r) => r.scenario.name),
      sections,
    ),
  ].join('\n');
}

/** The `## … (\`name\`)` sections of an earlier BENCHMARKS.md, by scenario name, in their order. */
export function sectionsOf(markdown) {
  const parts = markdown.split(/^(?=## )/m).filter((part) => part.startsWith('## '));
  return new Map(
    parts.map((part) => [/\(`([^`]+)`\)\s*$/m.exec(part.split('\n')[0])?.[1] ?? part, part.trimEnd() + '\n']),
  );
}

/** Earlier sections stay in place unless re-measured; new scenarios follow them. */
function mergeSections(previous, names, sections) {
  const merged = sectionsOf(previous);
  // A file written before sections carried their run: its header named the run for all of them.
  const [, command, date] = /^Generated by `([^`]+)` on (\S+)\./m.exec(previous) ?? [];
  for (const [name, text] of merged) {
    if (command && !text.includes('_Measured by'))
      merged.set(name, `${text}\n_Measured by \`${command}\` on ${date}._\n`);
  }
  names.forEach((name, i) => merged.set(name, sections[i]));
  return [...merged.values()];
}
