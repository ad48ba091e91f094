// The CommonJS build (dist/cjs, for `require('lastcall')` and CommonJS TypeScript projects): a second
// tsc pass, then a package.json that makes Node and TypeScript read dist/cjs/**/*.js and *.d.ts as CommonJS.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(new URL('../dist/cjs', import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
