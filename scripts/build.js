// The build: tsc compiles src/ to one module per file in build/modules (and the .d.ts files into
// dist/ and dist/cjs/), then rollup bundles those modules into what the package ships. Node's ESM
// loader costs about half a millisecond per file, so `import('lastcall')` loads two bundled
// files instead of thirty; every entry (root, subpaths, CLI) shares the same chunks, so a class such
// as LastcallError is one class whichever subpath it is reached through.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Rollup's WebAssembly build, pinned: the native build needs a platform package per OS, and later
// wasm-node versions add an optional binary that refuses Node 20 (npm ci would warn EBADENGINE).
import { rollup } from '@rollup/wasm-node';

const root = new URL('..', import.meta.url);
// A file path, not a URL's pathname: a checkout under a directory with a space must build too.
const at = (path) => fileURLToPath(new URL(path, root));
const modules = at('build/modules/');
/** A module's path inside build/modules ('core/wait.js'): where the checkout lives never decides a chunk. */
const inModules = (id) => (id.startsWith(modules) ? id.slice(modules.length) : '');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compile = (project) => execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit', cwd: root });

rmSync(at('dist'), { recursive: true, force: true });
rmSync(at('build/modules'), { recursive: true, force: true });
compile('tsconfig.json');
compile('tsconfig.cjs.json');

const library = ['index', 'http/index', 'process/index', 'pidfile/index', 'fastify/index', 'auto/index'];
const cli = ['cli/main', 'cli/doctor/explain-preload'];
/** Entry name → module. The preload lands beside the CLI's chunks, where doctor's explain.js looks for it. */
const entryName = (name) => (name === 'cli/doctor/explain-preload' ? 'cli/explain-preload' : name);
const inputs = (names) => Object.fromEntries(names.map((name) => [entryName(name), `${modules}${name}.js`]));

/** One chunk per area, so `import('lastcall')` loads two files and `lastcall/http` one more. */
function manualChunks(id) {
  const path = inModules(id);
  if (path === 'errors.js' || path.startsWith('internal/')) return 'core';
  if (path === 'cli/doctor/explain-preload.js') return undefined; // an entry of its own, loaded by --import
  return /^(?:cli\/)?(core|http|process|pidfile|run|doctor|render)\//.exec(path)?.[1];
}

/** Chunks only the CLI reaches sit beside it (doctor finds its preload next to itself); the rest in shared/. */
function chunkFileNames(chunk) {
  return chunk.moduleIds.every((id) => inModules(id).startsWith('cli/')) ? 'cli/[name].js' : 'shared/[name].js';
}

/** A cycle between modules already works unbundled (rollup keeps its order); any other warning fails the build. */
function onwarn(warning) {
  if (warning.code !== 'CIRCULAR_DEPENDENCY') throw new Error(`rollup: ${warning.message}`);
}

async function bundle(names, output) {
  const build = await rollup({ input: inputs(names), external: (id) => id.startsWith('node:'), onwarn });
  await build.write({ entryFileNames: '[name].js', chunkFileNames, manualChunks, ...output });
  await build.close();
}

await bundle([...library, ...cli], { dir: at('dist'), format: 'es' });
await bundle(library, { dir: at('dist/cjs'), format: 'cjs' });
// Makes Node and TypeScript read dist/cjs/**/*.js and *.d.ts as CommonJS.
writeFileSync(at('dist/cjs/package.json'), '{ "type": "commonjs" }\n');
