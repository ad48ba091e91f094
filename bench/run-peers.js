// Supervisors compared by the run-* scenarios: `lastcall run`, tini and dumb-init, each in front of
// the same child (bench/fixtures/run/). tini and dumb-init are Debian packages: installed with apt-get
// when missing (as root), otherwise the run throws "skipped: …", shown as a row saying so.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { benchDir, rootDir, spawnCommand } from './lib.js';

export const RUNNERS = ['lastcall', 'tini', 'dumb-init'];
export const CLI = path.join(rootDir, 'dist', 'cli', 'main.js');
export const runFixture = (name) => path.join(benchDir, 'fixtures', 'run', name);

const checked = new Map();

/** Throws "skipped: …" when `tool` is missing and cannot be installed. */
export function ensureTool(tool, debianPackage = tool) {
  if (!checked.has(tool)) checked.set(tool, findOrInstall(tool, debianPackage));
  const why = checked.get(tool);
  if (why) throw new Error(`skipped: ${why}`);
}

function findOrInstall(tool, pkg) {
  const has = () => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (has()) return undefined;
  if (process.getuid?.() === 0) {
    spawnSync('apt-get', ['install', '-y', '-q', pkg], { stdio: 'ignore', timeout: 180_000 });
    if (has()) return undefined;
  }
  return `${tool} is not installed and apt-get install ${pkg} did not work (install the Debian package ${pkg})`;
}

/** The supervisor's argv in front of `child` (tini -s: a subreaper, as it must be when not PID 1). */
export function supervisorArgv(library, child, lastcallFlags = []) {
  if (library === 'lastcall') return [process.execPath, CLI, 'run', ...lastcallFlags, '--', ...child];
  ensureTool(library);
  if (library === 'tini') return ['tini', '-s', '--', ...child];
  if (library === 'dumb-init') return ['dumb-init', '--', ...child];
  throw new Error(`unknown supervisor ${library}`);
}

/** Starts `<supervisor> <child>` in its own process group; the bench/lib.js handle. */
export function startSupervised(library, child, lastcallFlags) {
  const [command, ...argv] = supervisorArgv(library, child, lastcallFlags);
  return spawnCommand(command, argv, { label: library });
}

export function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Kilobytes of resident memory (VmRSS) of `pid`, or NaN. */
export function rssKb(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    return NaN;
  }
}

/** SIGKILLs pids that outlived a run, so the next run starts clean. */
export function killPids(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
