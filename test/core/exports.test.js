// Pins the public export names of every entry point: a rename or a leak shows up here first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const expected = {
  lastcall: [
    'AbortedError',
    'DeadlineExceededError',
    'LEGACY_ERROR_CODES',
    'DependencyCycleError',
    'DuplicateStepError',
    'ForcedShutdownError',
    'HealthCheckTimeoutError',
    'HttpForcedCloseError',
    'IN_FLIGHT_STEP',
    'InFlightTimeoutError',
    'InvalidOptionError',
    'InvalidResourceError',
    'IpcClosedError',
    'IpcTimeoutError',
    'LastcallError',
    'LifecycleStateError',
    'ListenError',
    'ListenFdsError',
    'NotAServerError',
    'PhaseTimeoutError',
    'PidFileAccessError',
    'PidFileCorruptError',
    'PidFileDirectoryError',
    'PidFileHeldError',
    'PidFileNotAFileError',
    'ProcessExitedError',
    'ProcessSurvivorsError',
    'ReadinessTimeoutError',
    'RequestsLostError',
    'ServerClosedError',
    'ShutdownStartedError',
    'SpawnError',
    'StartFailedError',
    'StepAbandonedError',
    'StepTimeoutError',
    'SuperviseGiveUpError',
    'TrackedWorkFailedError',
    'UnknownDependencyError',
    'UnknownOptionError',
    'UnsupportedPlatformError',
    'WorkerThreadsFailedError',
    'channelNames',
    'createLifecycle',
    'formatReport',
    'lifecycleHooks',
    'serializeReport',
  ],
  'lastcall/http': ['httpServer', 'inheritedSockets', 'probes'],
  'lastcall/auto': ['lifecycle'],
  'lastcall/fastify': ['lastcallFastify'],
  'lastcall/process': [
    'ManagedChild',
    'Supervisor',
    'TreeWatch',
    'backoffDelay',
    'createTreeMarker',
    'getGuardianPid',
    'guardGroup',
    'holdListeningSockets',
    'killTree',
    'removeSocketFiles',
    'spawnManaged',
    'supervise',
    'watchTree',
  ],
  'lastcall/pidfile': [
    'PidFileAccessError',
    'PidFileCorruptError',
    'PidFileDirectoryError',
    'PidFileHandle',
    'PidFileHeldError',
    'PidFileNotAFileError',
    'acquireLock',
    'acquirePidFile',
  ],
};

for (const [specifier, names] of Object.entries(expected)) {
  test(`${specifier} exports exactly its public names, none of them default`, async () => {
    const module = await import(specifier);
    assert.deepEqual(Object.keys(module).sort(), [...names].sort());
    assert.equal(module.default, undefined);
  });
}

test('package.json: exports map with types for every entry, bin, engines, ESM', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.engines.node, '>=20');
  assert.deepEqual(Object.keys(pkg.exports).sort(), [
    '.',
    './auto',
    './fastify',
    './http',
    './package.json',
    './pidfile',
    './process',
  ]);
  for (const key of ['.', './auto', './fastify', './http', './process', './pidfile']) {
    for (const condition of ['import', 'require']) assert.match(pkg.exports[key][condition].types, /\.d\.ts$/);
  }
  assert.equal(pkg.bin.lastcall, './dist/cli/main.js');
  assert.deepEqual(pkg.dependencies ?? {}, {}, 'the core has no runtime dependencies');
});

test('every error class has a literal ERR_ code and extends LastcallError', async () => {
  const lastcall = await import('lastcall');
  for (const [name, value] of Object.entries(lastcall)) {
    if (typeof value !== 'function' || !name.endsWith('Error') || name === 'LastcallError') continue;
    assert.ok(value.prototype instanceof lastcall.LastcallError, name);
  }
});
