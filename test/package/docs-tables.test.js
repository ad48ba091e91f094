// The CLI's flag and exit-code tables are stated once, in src/cli; --help, the defaults and the
// tables in README.md and docs/*.md come from them (`npm run docs:tables` regenerates the docs).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DOCTOR_FLAGS } from '../../build/modules/cli/doctor/flags.js';
import { DOCTOR_USAGE, parseDoctorArgs } from '../../build/modules/cli/doctor/options.js';
import { parseCount, parseDuration } from '../../build/modules/cli/duration.js';
import { flagDefault, flagUsage } from '../../build/modules/cli/flags.js';
import { exitCodeFor, RUN_EXIT_TABLE } from '../../build/modules/cli/run/exit-codes.js';
import { RUN_FLAGS } from '../../build/modules/cli/run/flags.js';
import { RUN_HELP } from '../../build/modules/cli/run/help.js';
import { parseRunOptions } from '../../build/modules/cli/run/options.js';
import { blockNames, generators, markdownFiles, rewrite } from '../../scripts/docs-tables.js';

const tables = await generators();
const files = markdownFiles();

test('every lastcall:… table in README.md and docs/ is what the source tables generate (npm run docs:tables)', () => {
  for (const { path, text } of files)
    assert.equal(rewrite(text, tables), text, `${path} is stale: run npm run docs:tables`);
});

test("every command's table has a block somewhere in the docs", () => {
  const found = new Set(files.flatMap(({ text }) => blockNames(text)));
  assert.deepEqual(
    [...tables.keys()].filter((name) => !found.has(name)),
    [],
  );
});

test('a stale or unknown block is caught', () => {
  const current = `x\n<!-- lastcall:flags run -->\n${tables.get('flags run')}\n<!-- /lastcall:flags run -->\ny`;
  assert.equal(rewrite(current, tables), current);
  const stale = current.replace('| `25s`', '| `30s`');
  assert.notEqual(rewrite(stale, tables), stale);
  assert.throws(() => rewrite('<!-- lastcall:flags nope -->\n<!-- /lastcall:flags nope -->', tables), /unknown block/);
});

test('--help lists every flag of its table, with its default', () => {
  for (const [table, help] of [
    [RUN_FLAGS, RUN_HELP],
    [DOCTOR_FLAGS, DOCTOR_USAGE],
  ]) {
    for (const flag of table) {
      assert.ok(help.includes(flagUsage(flag)), flagUsage(flag));
      if (flag.default !== undefined)
        assert.ok(help.includes(`[default: ${flag.default}`), `${flag.name}: ${flag.default}`);
    }
  }
  for (const row of RUN_EXIT_TABLE) assert.match(RUN_HELP, new RegExp(`\\b${row.outcome}\\b`));
});

test("the options' defaults are the tables' (no literal default left in the options parsers)", () => {
  const run = parseRunOptions(['--', 'true'], { LASTCALL_PLATFORM: 'none' }); // the table's default, not this machine's platform
  const d = (name) => flagDefault(RUN_FLAGS, name);
  assert.equal(run.deadlineMs, parseDuration('', d('deadline')));
  assert.equal(run.stopSignal, d('stop-signal'));
  assert.equal(run.restart, d('restart'));
  assert.equal(
    `${run.backoffMinMs}..${run.backoffMaxMs}`,
    d('backoff')
      .split('..')
      .map((v) => parseDuration('', v))
      .join('..'),
  );
  assert.equal(run.maxRestarts, parseCount('', d('max-restarts')));
  assert.equal(run.restartWindowMs, parseDuration('', d('restart-window')));
  assert.equal(run.resetAfterMs, parseDuration('', d('reset-after')));
  assert.equal(run.readyTimeoutMs, parseDuration('', d('ready-timeout')));
  const doctor = parseDoctorArgs(['--', 'true']);
  const dd = (name) => flagDefault(DOCTOR_FLAGS, name);
  assert.equal(doctor.url, dd('url'));
  assert.equal(doctor.signal, dd('signal'));
  assert.equal(doctor.readyTimeoutMs, parseDuration('', dd('ready-timeout')));
  assert.equal(doctor.connections, parseCount('', dd('connections')));
  assert.equal(doctor.afterMs, parseDuration('', dd('after')));
  assert.equal(doctor.deadlineMs, parseDuration('', dd('deadline')));
  assert.equal(doctor.runs, parseCount('', dd('runs')));
});

test("the exit codes the runner uses are the table's", () => {
  for (const row of RUN_EXIT_TABLE) {
    if (row.outcome === 'usage') continue;
    const expected = row.code ?? 0;
    assert.equal(exitCodeFor(row.outcome, undefined, {}), expected, row.outcome);
  }
});
