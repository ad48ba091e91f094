// The build works wherever the checkout lives: a directory with a space in its name (URL-encoded in
// a file URL's pathname) must still build the same bundled layout.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('npm run build succeeds in a checkout whose path has a space in it', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'lastcall build ')), 'my checkout');
  try {
    for (const entry of ['src', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.cjs.json']) {
      cpSync(join(root, entry), join(dir, entry), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    execFileSync(process.execPath, ['scripts/build.js'], { cwd: dir, stdio: 'pipe' });
    for (const file of ['dist/index.js', 'dist/shared/core.js', 'dist/cjs/shared/core.js', 'dist/cli/main.js', 'dist/index.d.ts']) {
      assert.ok(existsSync(join(dir, file)), file);
    }
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});
