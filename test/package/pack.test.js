// Pins what `npm publish` would ship: its shape (every file matches a rule) and the files that must be there.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

// `npm test` builds first (pretest), so dist/ is current.
const [pack] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }),
);
const files = pack.files.map((file) => file.path).sort();

test('the packed file list: exactly the docs, package.json, and both builds; no maps, no CLI types, no sources', () => {
  const allowed = [
    /^(README\.md|LICENSE|CHANGELOG\.md|package\.json)$/,
    /^dist\/(?!cjs\/|cli\/)[\w/-]+\.(js|d\.ts)$/, // the ESM build
    /^dist\/cjs\/(?!cli\/)[\w/-]+\.(js|d\.ts)$/, // the CommonJS build (no CLI)
    /^dist\/cjs\/package\.json$/,
    /^dist\/cli\/[\w-]+\.js$/, // the CLI: JavaScript only
  ];
  assert.deepEqual(
    files.filter((file) => !allowed.some((re) => re.test(file))),
    [],
  );
  for (const required of [
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'package.json',
    'dist/cjs/package.json',
    'dist/cli/main.js',
  ]) {
    assert.ok(files.includes(required), required);
  }
  for (const entry of ['', 'http/', 'process/', 'pidfile/']) {
    for (const build of ['dist/', 'dist/cjs/']) {
      assert.ok(
        files.includes(`${build}${entry}index.js`) && files.includes(`${build}${entry}index.d.ts`),
        `${build}${entry}index`,
      );
    }
  }
  const esm = files
    .filter((file) => /^dist\/(?!cjs\/|cli\/).*\.js$/.test(file))
    .map((file) => file.slice('dist/'.length));
  const cjs = files.filter((file) => /^dist\/cjs\/.*\.js$/.test(file)).map((file) => file.slice('dist/cjs/'.length));
  assert.deepEqual(cjs, esm, 'every ESM module has its CommonJS twin');
});

test('no shipped file points at a source map that is not shipped', () => {
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    assert.doesNotMatch(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'), /sourceMappingURL/, file);
  }
});

test('package.json: repository, homepage, bugs, license; every export has import and require conditions with types', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.license, 'MIT');
  assert.match(
    readFileSync(new URL('../../LICENSE', import.meta.url), 'utf8'),
    /^MIT License\n\nCopyright \(c\) \d{4} lastcall contributors\n/,
  );
  assert.equal(pkg.repository.url, 'git+https://github.com/lastcall-dev/lastcall.git');
  assert.equal(pkg.homepage, 'https://github.com/lastcall-dev/lastcall#readme');
  assert.equal(pkg.bugs.url, 'https://github.com/lastcall-dev/lastcall/issues');
  for (const [key, target] of Object.entries(pkg.exports)) {
    if (key === './package.json') continue;
    assert.deepEqual(Object.keys(target), ['import', 'require'], key);
    assert.deepEqual(Object.keys(target.import), ['types', 'default'], `${key}: types first`);
    assert.deepEqual(Object.keys(target.require), ['types', 'default'], `${key}: types first`);
    if (key !== '.')
      assert.deepEqual(pkg.typesVersions['*'][key.slice(2)], [target.require.types], `${key}: node10 resolution`);
  }
  assert.deepEqual([pkg.main, pkg.types], [pkg.exports['.'].require.default, pkg.exports['.'].require.types]);
});

test('no installed package refuses this Node version (npm ci would print EBADENGINE)', async () => {
  const { default: semver } = await import('semver');
  const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'));
  const refusing = Object.entries(lock.packages)
    .filter(
      ([, meta]) => typeof meta.engines?.node === 'string' && !semver.satisfies(process.version, meta.engines.node),
    )
    .map(([name, meta]) => `${name}@${meta.version} (node ${meta.engines.node})`);
  assert.deepEqual(refusing, []);
});
