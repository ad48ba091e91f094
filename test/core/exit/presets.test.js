// Exit presets by service manager: one table (core's EXIT_PRESETS) behind createLifecycle's
// `exitPreset` and `lastcall run --exit-preset`. Real processes, real SIGTERMs, real exit codes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { createLifecycle } from 'lastcall';

import { RUN_EXIT_CODES } from '../../../build/modules/cli/run/exit-codes.js';
import { EXIT_PRESETS } from '../../../build/modules/core/exit/presets.js';
import { startFixture } from '../../helpers/fixture.js';
import { fixture, NODE, startRun } from '../../helpers/run.js';

const LIBRARY_DEFAULTS = { clean: 0, failed: 1, 'timed-out': 1, forced: 1 };

/** A service whose one step closes as `how` says, ended by SIGTERM (a second one when forced). */
async function libraryExit(options, outcome) {
  const how = { clean: 'ok', failed: 'throw', 'timed-out': 'hang', forced: 'hang' }[outcome];
  const step = { name: 'db', hooks: { close: how }, options: { timeoutMs: outcome === 'timed-out' ? 200 : 10_000 } };
  const spec = { lifecycles: [{ options: { deadlineMs: 10_000, ...options }, steps: [step] }] };
  const service = await startFixture('core/exit-service.js', { args: [JSON.stringify(spec)] });
  if (outcome === 'forced') {
    service.child.kill('SIGTERM');
    await waitForOutput(service, /HOOK db close/);
  }
  const exit = await service.signalAndWait('SIGTERM');
  return { ...exit, outcome: /^REPORT 0 .*"outcome":"([\w-]+)"/m.exec(service.stdout)?.[1] };
}

/** `lastcall run` stopped by SIGTERM (twice when forced), or a child that crash-loops (gave-up). */
async function cliExit(flags, outcome) {
  const args = {
    stopped: ['--', 'sh', '-c', 'echo READY; exec sleep 300'],
    'gave-up': ['--restart', 'on-failure', '--backoff', '10ms..10ms', '--max-restarts', '0', '--', fixture('crash.sh')],
    // signals.js stops on SIGUSR2 only: it prints GOT SIGTERM and stays.
    'timed-out': ['--deadline', '300ms', '--', NODE, fixture('signals.js'), 'SIGUSR2'],
    forced: ['--deadline', '20s', '--', NODE, fixture('signals.js'), 'SIGUSR2'],
  }[outcome];
  const run = startRun([...flags, ...args]);
  if (outcome === 'gave-up') return run.exited;
  await run.waitFor(/READY/);
  run.signal('SIGTERM');
  if (outcome === 'forced') {
    await run.waitFor(/GOT SIGTERM/);
    run.signal('SIGTERM');
  }
  return run.exited;
}

async function waitForOutput(service, re) {
  for (let i = 0; i < 500 && !re.test(service.stdout); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.match(service.stdout, re);
}

// The library's outcome each `lastcall run` outcome stands for in the table.
const CLI_OUTCOME = { clean: 'stopped', failed: 'gave-up', 'timed-out': 'timed-out', forced: 'forced' };
const CLI_DEFAULTS = {
  stopped: 143,
  'gave-up': RUN_EXIT_CODES['gave-up'],
  'timed-out': RUN_EXIT_CODES['timed-out'],
  forced: RUN_EXIT_CODES.forced,
};

for (const [preset, codes] of Object.entries(EXIT_PRESETS)) {
  test(
    `exit preset ${preset}: the library and lastcall run exit with the table's code for each outcome`,
    { timeout: 60_000 },
    async () => {
      await Promise.all(
        Object.entries(CLI_OUTCOME).map(async ([outcome, cliOutcome]) => {
          const [library, cli] = await Promise.all([
            libraryExit({ exitPreset: preset }, outcome),
            cliExit(['--exit-preset', preset], cliOutcome),
          ]);
          assert.equal(library.outcome, outcome, `${preset} ${outcome}: the library's outcome`);
          assert.equal(
            library.code,
            codes[outcome] ?? LIBRARY_DEFAULTS[outcome],
            `${preset} ${outcome}: library exit code`,
          );
          assert.equal(
            cli.code,
            codes[outcome] ?? CLI_DEFAULTS[cliOutcome],
            `${preset} ${cliOutcome}: lastcall run exit code`,
          );
          // Where the table says, both say the same.
          if (codes[outcome] !== undefined) assert.equal(library.code, cli.code);
        }),
      );
    },
  );
}

test('exitCodes entries win over the preset; the table is not changed by it', { timeout: 30_000 }, async () => {
  const exit = await libraryExit({ exitPreset: 'launchd', exitCodes: { failed: 70 } }, 'failed');
  assert.equal(exit.code, 70);
  assert.equal(EXIT_PRESETS.launchd.failed, 75);
});

test('a bad exitPreset is a typed error naming the valid presets; next to an exitCodes function it is refused', () => {
  for (const value of ['upstart', 'Systemd', '', 3, 'toString', '__proto__']) {
    assert.throws(
      () => createLifecycle({ signals: false, exitPreset: value }),
      (error) =>
        error.code === 'ERR_INVALID_OPTION' &&
        error.option === 'exitPreset' &&
        /"systemd", "launchd", "kubernetes"/.test(error.message),
      String(value),
    );
  }
  assert.throws(() => createLifecycle({ signals: false, exitPreset: 'systemd', exitCodes: () => 3 }), {
    code: 'ERR_INVALID_OPTION',
    message: /exitPreset.*left out when "exitCodes" is a function/,
  });
});

test("docs/api.md's table is the table", () => {
  const api = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
  const section = api.slice(api.indexOf('## Exit codes by service manager'));
  const rows = [
    ...section
      .slice(0, section.indexOf('\n\n', section.indexOf('| outcome')))
      .matchAll(/^\| `([\w-]+)` \/ `([\w-]+)` \| [^|]+ \| (.+) \|$/gm),
  ];
  assert.deepEqual(
    rows.map((row) => [row[1], row[2]]),
    Object.entries(CLI_OUTCOME),
  );
  const header = /^\| outcome: .*$/m
    .exec(section)[0]
    .split('|')
    .slice(3, -1)
    .map((cell) => cell.trim().replaceAll('`', ''));
  assert.deepEqual(header, Object.keys(EXIT_PRESETS));
  for (const [, outcome, , cells] of rows) {
    const documented = cells.split('|').map((cell) => cell.trim());
    const codes = Object.values(EXIT_PRESETS).map((codes) => String(codes[outcome] ?? 'default'));
    assert.deepEqual(documented, codes, outcome);
  }
});

test(
  "the watchdog exits with the preset's timed-out code when a step blocks the event loop past the deadline",
  { timeout: 30_000 },
  async () => {
    const spec = {
      lifecycles: [
        {
          options: { deadlineMs: 600, exitPreset: 'kubernetes' },
          steps: [{ name: 'stuck', hooks: { close: 'spin' } }],
        },
      ],
    };
    const service = await startFixture('core/exit-service.js', { args: [JSON.stringify(spec)] });
    const exit = await service.signalAndWait('SIGTERM');
    assert.equal(exit.code, EXIT_PRESETS.kubernetes['timed-out']);
    assert.ok(exit.elapsedMs < 5_000, `ended near the deadline (${Math.round(exit.elapsedMs)} ms; generous guard)`);
  },
);
