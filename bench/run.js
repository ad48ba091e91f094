#!/usr/bin/env node
// `npm run bench` (build first, via prebench): runs bench/scenarios/*.js against every library and
// writes BENCHMARKS.md. `--quick` (CI): one short run each, tables on stdout, nothing written.
// Exit codes: 0 ok; 1 the harness broke or a lastcall fixture errored; 2 bad usage.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { parseBenchArgs, usage, UsageError } from './args.js';
import { runScenario } from './harness.js';
import { killAll, rootDir } from './lib.js';
import { formatNumber, machineInfo, renderDocument, renderScenario } from './report.js';
import { loadScenarios } from './scenarios-loader.js';

const interrupt = (signal) => {
  killAll();
  process.stderr.write(`bench: ${signal}, killed every fixture still running\n`);
  process.exit(130);
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);

async function main(argv) {
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }

  let scenarios;
  try {
    scenarios = await loadScenarios(options.only);
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n`);
    return error.usage ? 2 : 1;
  }

  const results = [];
  let lastcallFailed = false;
  for (const scenario of scenarios) {
    process.stderr.write(
      `bench: ${scenario.name} (${options.runs} run${options.runs === 1 ? '' : 's'} × ${scenario.libraries.length} libraries)\n`,
    );
    const result = await runScenario(scenario, { runs: options.runs, quick: options.quick, onRun: progress });
    if (result.rounds.some((r) => r.lastcall?.error)) lastcallFailed = true;
    results.push(result);
    process.stdout.write(`\n${renderScenario(result)}\n`);
  }

  if (options.write) {
    const file = path.join(rootDir, 'BENCHMARKS.md');
    const previous = options.only ? await readFile(file, 'utf8').catch(() => '') : '';
    const doc = renderDocument({
      previous,
      results,
      machine: machineInfo(),
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      command: commandLine(argv),
    });
    await writeFile(file, doc);
    process.stderr.write(`bench: wrote ${path.relative(process.cwd(), file) || file}\n`);
  }
  if (lastcallFailed) process.stderr.write('bench: a lastcall fixture errored (see the tables)\n');
  return lastcallFailed ? 1 : 0;
}

function progress({ scenario, library, round, result }) {
  const text = result.error
    ? `error: ${result.error.split('\n')[0]}`
    : Object.entries(result.figures)
        .map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : v}`)
        .join(' ');
  process.stderr.write(`  ${scenario} #${round + 1} ${library}: ${text}\n`);
}

function commandLine(argv) {
  const args = argv.join(' ');
  if (process.env.npm_lifecycle_event === 'bench') return `npm run bench${args ? ` -- ${args}` : ''}`;
  return `node bench/run.js${args ? ` ${args}` : ''}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    killAll();
    process.stderr.write(`bench: harness error: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
