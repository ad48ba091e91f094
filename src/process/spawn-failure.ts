import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Node reports a failed spawn (ENOENT, EACCES) only in an 'error' event one tick later. spawnManaged
 * throws at once instead, so this finds the likely errno the same way execvp would.
 */
export function diagnoseSpawnFailure(command: string, cwd: string | undefined, env: NodeJS.ProcessEnv): string {
  const candidates = command.includes('/')
    ? [path.resolve(cwd ?? process.cwd(), command)]
    : (env.PATH ?? process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.resolve(cwd ?? process.cwd(), dir, command));
  let sawFile = false;
  for (const file of candidates) {
    try {
      if (!statSync(file).isFile()) continue;
      sawFile = true;
      accessSync(file, constants.X_OK);
      return 'UNKNOWN'; // executable, yet the spawn failed (e.g. EAGAIN, EMFILE)
    } catch {
      // not here, or not executable: keep looking
    }
  }
  return sawFile ? 'EACCES' : 'ENOENT';
}
