// Doctor's verdicts on its test fixtures (test/fixtures/doctor): for each fixture, each check's
// status as found, against what the fixture is built to show.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { rootDir } from '../lib.js';

const CHECKS = ['ready', 'exit', 'exit-code', 'intake', 'in-flight', 'resets', 'orphans', 'files'];
const ALL_PASS = Object.fromEntries(CHECKS.map((id) => [id, 'pass']));
const fixture = (name) => path.join(rootDir, 'test', 'fixtures', 'doctor', name);

/** Fixture → command (given a PID file path) and the statuses it is built to produce. */
const FIXTURES = {
  'lastcall-service': { command: (pid) => [process.execPath, fixture('lastcall-service.js'), pid], expect: ALL_PASS },
  'asyncio-drain.py': { command: (pid) => ['python3', fixture('asyncio-drain.py'), pid], expect: ALL_PASS },
  swallow: {
    command: () => [process.execPath, fixture('swallow.js')],
    expect: { exit: 'fail', 'exit-code': 'fail', intake: 'fail' },
  },
  'reset-inflight': {
    command: () => [process.execPath, fixture('reset-inflight.js')],
    expect: { 'in-flight': 'fail' },
    flags: ['--ready', 'log:^READY$'],
  },
  'idle-close': { command: () => [process.execPath, fixture('idle-close.js')], expect: { resets: 'fail' } },
  // In-flight requests answered 503 after the signal: lost, though no socket was reset before them.
  'late-5xx': { command: () => [process.execPath, fixture('late-5xx.js')], expect: { 'in-flight': 'fail' } },
  'setsid-children': { command: () => [process.execPath, fixture('setsid-children.js')], expect: { orphans: 'fail' } },
  'pidfile-left.py': {
    command: (pid) => ['python3', fixture('pidfile-left.py'), pid],
    expect: { exit: 'fail', files: 'fail' },
  },
  'pipe-child': { command: () => [process.execPath, fixture('pipe-child.js')], expect: { exit: 'fail' } },
};

function runDoctor(args, signal) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(rootDir, 'dist', 'cli', 'main.js'), 'doctor', '--json', ...args], {
      cwd: rootDir,
      stdio: ['ignore', 'pipe', 'ignore'],
      signal,
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`doctor printed no JSON: ${out.slice(0, 200)}`));
      }
    });
  });
}

export const scenario = {
  name: 'doctor-accuracy',
  title: 'lastcall doctor: verdicts on its fixtures, found vs expected',
  meaning:
    'Each row is a fixture (a real service, Node or python3); each cell is the status doctor found for that check, ' +
    '"✓" when it is what the fixture is built to show, "✗ (expected X)" when not, unmarked where the fixture makes no claim; ' +
    '"agreement" is the share of expected statuses found (1 = every one).',
  libraries: Object.keys(FIXTURES),
  figures: {
    ...Object.fromEntries(CHECKS.map((id) => [id, { label: id, kind: 'set' }])),
    agreement: { label: 'agreement', better: 'higher', digits: 2 },
  },
  capMs: 60_000,
  quickCapMs: 30_000,
  async run({ library, signal }) {
    const { command, expect, flags = [] } = FIXTURES[library];
    const dir = await mkdtemp(path.join(tmpdir(), 'doctor-accuracy-'));
    try {
      const pid = path.join(dir, 'service.pid');
      const result = await runDoctor(
        ['--after', '500ms', '--deadline', '1500ms', '--pidfile', pid, ...flags, '--', ...command(pid)],
        signal,
      );
      const figures = {};
      let met = 0;
      for (const id of CHECKS) {
        const found = result.checks.find((c) => c.id === id)?.status ?? 'missing';
        const want = expect[id];
        if (want === found) met++;
        figures[id] = want === undefined ? found : want === found ? `${found} ✓` : `${found} ✗ (expected ${want})`;
      }
      return { ...figures, agreement: met / Object.keys(expect).length };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
