// What a service that only uses the core pays at import and start: no Node module it never runs.
// node:child_process is needed only to ask systemctl for a unit's stop timeout, and the ESM facade
// of node:fs reads its stream getters (loading the fs stream modules): ~5 ms and ~1.5 MiB together.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Internal modules that only code paths a plain lifecycle never takes may load. */
const UNUSED = ['child_process', 'internal/child_process', 'internal/fs/streams'];

const program = (load) => `
${load}
const life = createLifecycle({ logger: false });
life.add('db', { close() {} });
await life.start();
const loaded = new Set(process.moduleLoadList);
console.log(JSON.stringify(${JSON.stringify(UNUSED)}.filter((m) => loaded.has('NativeModule ' + m))));
process.exit(0);`;

/** Runs `source` in a fresh node; LASTCALL_PLATFORM=none: no systemd unit lookup on a CI runner that is one. */
function loadedModules(args, source) {
  const out = execFileSync(process.execPath, [...args, '-e', source], {
    cwd: root,
    env: { ...process.env, LASTCALL_PLATFORM: 'none' },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1));
}

test('ESM: createLifecycle() + add() + start() loads neither node:child_process nor the fs streams', () => {
  const source = program("const { createLifecycle } = await import('lastcall');");
  assert.deepEqual(loadedModules(['--input-type=module'], source), []);
});

test('CommonJS: the same through require()', () => {
  const source = `(async () => {${program("const { createLifecycle } = require('lastcall');")}})();`;
  assert.deepEqual(loadedModules([], source), []);
});
