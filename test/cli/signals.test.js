// One signal-name parser for every command: the same names, numbers and words in run and doctor.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseDoctorArgs } from '../../build/modules/cli/doctor/options.js';
import { parseRunOptions } from '../../build/modules/cli/run/options.js';
import { parseSignal, signalExitCode } from '../../build/modules/cli/signals.js';

test('a name with or without SIG, any case, or a number, is the signal name', () => {
  for (const value of ['SIGTERM', 'sigterm', 'TERM', 'term', '15'])
    assert.equal(parseSignal('--signal', value), 'SIGTERM');
  assert.equal(parseSignal('--signal', '2'), 'SIGINT');
  assert.equal(parseSignal('--signal', 'KILL'), 'SIGKILL');
});

test('an unknown name or number, or an uncatchable stop signal, is one UsageError naming the flag', () => {
  for (const value of ['SIGNOPE', '', '0', '999', '-15', 'SIG', '15.0']) {
    assert.throws(() => parseSignal('--signal', value), {
      code: 'ERR_USAGE',
      message: new RegExp(`^--signal: expected a signal name or number .*got "${value}"$`),
    });
  }
  for (const value of ['SIGKILL', 'stop', '9']) {
    assert.throws(() => parseSignal('--stop-signal', value, { catchable: true }), {
      code: 'ERR_USAGE',
      message: /^--stop-signal: expected a catchable signal/,
    });
  }
});

test('run --stop-signal and doctor --signal take the same values and answer a bad one in the same words', () => {
  assert.equal(parseRunOptions(['--stop-signal', '2', '--', 'true'], {}).stopSignal, 'SIGINT');
  assert.equal(parseDoctorArgs(['--signal', 'int', '--', 'true']).signal, 'SIGINT');
  let run, doctor;
  try {
    parseRunOptions(['--stop-signal', 'NOPE', '--', 'true'], {});
  } catch (e) {
    run = e.message;
  }
  try {
    parseDoctorArgs(['--signal', 'NOPE', '--', 'true']);
  } catch (e) {
    doctor = e.message;
  }
  assert.equal(run.replace('--stop-signal: expected a catchable', ''), doctor.replace('--signal: expected a', ''));
});

test('signalExitCode is 128 + the number, as a shell reports a signal death', () => {
  assert.equal(signalExitCode('SIGTERM'), 143);
  assert.equal(signalExitCode('SIGKILL'), 137);
});
