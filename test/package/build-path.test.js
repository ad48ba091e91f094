// A fresh checkout packs what it must ship: `npm pack` builds first (prepack), so the tarball holds
// dist/ although a clone has none; and the build works wherever the checkout lives, also under a
// directory with a space in its name (URL-encoded in a file URL's pathname).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test(
  'npm pack in a fresh checkout (tracked files only, a space in its path) builds and ships dist/ and the CLI',
  { timeout: 300_000 },
  () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lastcall build ')), 'my checkout');
    try {
      // What a clone holds: the tracked files as they are in this working tree, no dist/, no build/.
      const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
        .split('\0')
        .filter(Boolean);
      for (const file of tracked) {
        if (!existsSync(join(root, file))) continue; // deleted in the working tree
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        cpSync(join(root, file), join(dir, file));
      }
      assert.equal(existsSync(join(dir, 'dist')), false);
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
      const out = join(dir, '..', 'out');
      mkdirSync(out);
      const [pack] = JSON.parse(
        execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      const files = pack.files.map((file) => file.path);
      for (const file of [
        'dist/index.js',
        'dist/shared/core.js',
        'dist/cjs/shared/core.js',
        'dist/cjs/index.js',
        'dist/cli/main.js',
        'dist/index.d.ts',
        'dist/http/index.js',
      ]) {
        assert.ok(files.includes(file), `the tarball lacks ${file}`);
      }
      assert.ok(existsSync(join(out, pack.filename)));
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  },
);
