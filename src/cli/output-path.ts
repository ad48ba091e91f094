// A file the CLI will write at the end (`--html`, `--report`): checked when the flags are read, so a
// path that cannot be written is a usage error before the service starts, not a loss at the end.
import { closeSync, existsSync, openSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

import { UsageError } from './errors.js';

const WHY: Record<string, (path: string) => string> = {
  ENOENT: (path) =>
    existsSync(dirname(path)) ? `${dirname(path)} takes no new files` : `its directory ${dirname(path)} does not exist`,
  ENOTDIR: (path) => `a part of ${dirname(path)} is not a directory`,
  EISDIR: () => 'it is a directory',
  EACCES: () => 'permission denied',
  EPERM: () => 'permission denied',
  EROFS: () => 'read-only file system',
};

/** Throws a UsageError naming `flag` when `path` cannot be written; leaves no file it created behind. */
export function validateOutputPath(flag: string, path: string): string {
  try {
    // An existing file is opened for writing without truncating it; a new one is created and removed.
    closeSync(openSync(path, 'r+'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code !== 'ENOENT') throw unwritable(flag, path, code);
    try {
      closeSync(openSync(path, 'wx'));
      unlinkSync(path);
    } catch (inner) {
      throw unwritable(flag, path, (inner as NodeJS.ErrnoException).code ?? '');
    }
  }
  return path;
}

function unwritable(flag: string, path: string, code: string): UsageError {
  const why = WHY[code]?.(path) ?? `error ${code || 'unknown'}`;
  return new UsageError(`--${flag}: cannot write ${path}: ${why}`);
}
