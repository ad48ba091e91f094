// A real CommonJS consumer of the packed tarball: TypeScript (module commonjs, resolution node10 and
// node16, strict) finds every entry point's types, and node require()s the CommonJS build — with
// require(esm) switched off, so it is not Node 20.19+'s ESM fallback doing the work.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const npm = (args, cwd) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

const consumer = `
import { createLifecycle, LastcallError, type ShutdownReport } from 'lastcall';
import { httpServer, probes } from 'lastcall/http';
import { spawnManaged, type PipedManagedChild } from 'lastcall/process';
import { acquirePidFile, PidFileHandle } from 'lastcall/pidfile';

const life = createLifecycle({ signals: false, exit: false, logger: false });
const report: Promise<ShutdownReport> = life.shutdown('cjs');
const child: PipedManagedChild = spawnManaged('true');
const bytes: number = child.stdout.readableLength;
const kinds = [typeof httpServer, typeof probes, typeof acquirePidFile, typeof PidFileHandle, typeof LastcallError];
report.then(async (r) => {
  await child.close();
  console.log(JSON.stringify({ outcome: r.outcome, kinds, bytes }));
});
`;

// docs/process.md's agent recipe, as written, must compile under strict (no '!' on a piped child's streams).
function readmeRecipe() {
  const page = readFileSync(path.join(root, 'docs', 'process.md'), 'utf8');
  const section = page.slice(page.indexOf('## Recipe: an agent runtime driving a CLI subprocess'));
  return /```js\n([\s\S]*?)```/.exec(section)[1];
}

test(
  'a CommonJS TypeScript project installs the tarball, type-checks (node10, node16, bundler) and runs it',
  { timeout: 180_000 },
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lastcall-cjs-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const [{ filename }] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], root));
    const app = path.join(dir, 'app');
    mkdirSync(path.join(app, 'src'), { recursive: true });
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'commonjs' }));
    npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(dir, filename)], app);
    mkdirSync(path.join(app, 'node_modules', '@types'), { recursive: true });
    symlinkSync(path.join(root, 'node_modules', '@types', 'node'), path.join(app, 'node_modules', '@types', 'node'));
    writeFileSync(path.join(app, 'src', 'index.ts'), consumer);
    writeFileSync(
      path.join(app, 'src', 'recipe.mts'),
      `declare function handle(message: unknown): void;\n${readmeRecipe()}`,
    );

    const base = {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      target: 'ES2022',
      types: ['node'],
      skipLibCheck: false,
      outDir: 'out',
    };
    const configs = {
      // No esModuleInterop: the declarations must not lean on the consumer's interop settings.
      node10: { ...base, module: 'commonjs', moduleResolution: 'node10' },
      node16: { ...base, module: 'node16', moduleResolution: 'node16' },
      bundler: { ...base, module: 'esnext', moduleResolution: 'bundler', noEmit: true },
    };
    for (const [name, options] of Object.entries(configs)) {
      const files = name === 'node16' ? ['src/index.ts', 'src/recipe.mts'] : ['src/index.ts'];
      writeFileSync(path.join(app, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions: options, files }));
      const result = spawnSync(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: app, encoding: 'utf8' });
      assert.equal(result.status, 0, `tsc (${name}):\n${result.stdout}${result.stderr}`);
    }
    const compiled = readFileSync(path.join(app, 'out', 'index.js'), 'utf8');
    assert.match(compiled, /require\("lastcall"\)/, 'compiled to require()');

    const run = spawnSync(process.execPath, ['--no-experimental-require-module', 'out/index.js'], {
      cwd: app,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      outcome: 'clean',
      kinds: ['function', 'function', 'function', 'function', 'function'],
      bytes: 0,
    });

    // Plain JavaScript: require() gets the CommonJS build, import the ESM one.
    const probe = `const a = require('lastcall'); const b = require('lastcall/pidfile');
    console.log(require.resolve('lastcall').endsWith('/dist/cjs/index.js'), typeof a.createLifecycle, typeof b.acquireLock);
    import('lastcall').then((m) => console.log(typeof m.createLifecycle, m.LastcallError === a.LastcallError));`;
    const plain = spawnSync(process.execPath, ['--no-experimental-require-module', '-e', probe], {
      cwd: app,
      encoding: 'utf8',
    });
    assert.equal(plain.stdout, 'true function function\nfunction false\n', plain.stderr);
  },
);
