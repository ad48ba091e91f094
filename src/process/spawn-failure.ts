import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Node reports some failed spawns (ENOENT, EACCES, EAGAIN, EMFILE, ENFILE) only in an 'error' event
 * one tick later. spawnManaged throws at once instead, so this finds the errno the way execvp does:
 * each PATH candidate as execve would judge it (a directory or a file without x: EACCES; a `#!`
 * interpreter that is missing: ENOENT, as the kernel says), EACCES winning over ENOENT at the end.
 */
export function diagnoseSpawnFailure(command: string, cwd: string | undefined, env: NodeJS.ProcessEnv): string {
  const base = cwd ?? process.cwd();
  const candidates = command.includes('/')
    ? [path.resolve(base, command)]
    : (env.PATH ?? process.env.PATH ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.resolve(base, dir, command));
  let sawEacces = false;
  for (const file of candidates) {
    const errno = execErrno(file, 0);
    if (errno === 'EACCES') sawEacces = true;
    else if (errno !== 'ENOENT') return errno;
  }
  return sawEacces ? 'EACCES' : 'ENOENT';
}

/** What execve(file) would fail with, as far as a look at the file tells; 'UNKNOWN' when it looks runnable
 * (the failure was something else: EAGAIN, EMFILE). The kernel follows up to 4 nested `#!` interpreters. */
function execErrno(file: string, depth: number): string {
  try {
    if (!statSync(file).isFile()) return 'EACCES';
    accessSync(file, constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'ENOENT' : 'EACCES';
  }
  const interpreter = readInterpreter(file);
  if (interpreter === undefined) return 'UNKNOWN';
  if (depth >= 4) return 'ELOOP';
  return execErrno(interpreter, depth + 1);
}

/** The interpreter path of a `#!` line, or undefined when the file has none. */
function readInterpreter(file: string): string | undefined {
  const buffer = Buffer.alloc(256);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('latin1');
    if (!text.startsWith('#!')) return undefined;
    return /^#![ \t]*([^ \t\n]+)/.exec(text)?.[1];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
