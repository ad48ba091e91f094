import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { PidFileAccessError, PidFileDirectoryError, PidFileNotAFileError } from '../errors.js';
import { identityLineOf, identityPrefix, newNonce } from './record.js';

/** What is at a path: lastcall only ever writes regular files; the rest is judged, never followed. */
export type NodeType = 'file' | 'symlink' | 'directory' | 'other';

/** One file instance as read: an inode and its content. Files lastcall writes are never modified. */
export interface Instance {
  type: NodeType;
  dev: number;
  ino: number;
  mtimeMs: number;
  size: number;
  /** The first MAX_READ bytes of a file; a symlink's target; '' otherwise. */
  text: string;
  /** The identity link's name (same inode, same directory), when there is one. */
  identity?: string;
}

const MAX_READ = 4096;

function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps an fs error to a typed one naming `path`; rethrows what it does not know. */
export function fail(path: string, operation: string, error: unknown): never {
  const code = errnoOf(error);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new PidFileAccessError(path, operation, error);
  if (code === 'ENOENT' || code === 'ENOTDIR') throw new PidFileDirectoryError(path, dirname(path));
  if (code === 'EISDIR') throw new PidFileNotAFileError(path, 'directory');
  if (code === 'ELOOP') throw new PidFileNotAFileError(path, 'symlink');
  throw error;
}

/**
 * Reads the instance at `path` without following a symlink; undefined when nothing is there.
 * A directory, link or special file is an error (never something to delete) unless `anyType`:
 * then it is described, for the caller to judge (a squatter at a claim name).
 */
export function readInstance(path: string, anyType = false): Instance | undefined {
  let fd: number;
  try {
    const stat = lstatSync(path);
    const type: NodeType = stat.isFile()
      ? 'file'
      : stat.isSymbolicLink()
        ? 'symlink'
        : stat.isDirectory()
          ? 'directory'
          : 'other';
    if (type !== 'file') {
      if (!anyType) throw new PidFileNotAFileError(path, type);
      const text = type === 'symlink' ? readlinkSync(path) : '';
      return { type, dev: stat.dev, ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size, text };
    }
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    if (error instanceof PidFileNotAFileError) throw error;
    fail(path, 'read', error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new PidFileNotAFileError(path, 'other');
    const buffer = Buffer.alloc(MAX_READ);
    const length = readSync(fd, buffer, 0, MAX_READ, 0);
    const identity = findIdentityLink(path, stat.dev, stat.ino);
    const text = buffer.toString('utf8', 0, length);
    const facts = { type: 'file' as const, dev: stat.dev, ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size };
    return { ...facts, text, ...(identity ? { identity } : {}) };
  } catch (error) {
    if (error instanceof PidFileNotAFileError) throw error;
    fail(path, 'read', error);
  } finally {
    closeSync(fd);
  }
}

/**
 * The identity link of the inode at `path`. It is created before the file is linked into place and
 * removed only after the file is unlinked, so it exists whenever the file does.
 */
function findIdentityLink(path: string, dev: number, ino: number): string | undefined {
  const prefix = identityPrefix(basename(path));
  let names: string[];
  try {
    names = readdirSync(dirname(path)).filter((name) => name.startsWith(prefix));
  } catch (error) {
    fail(path, 'read', error);
  }
  for (const name of names) {
    try {
      const stat = lstatSync(join(dirname(path), name));
      if (stat.dev === dev && stat.ino === ino) return name;
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') fail(path, 'read', error);
    }
  }
  return undefined;
}

/** The record text to parse: the file's content plus the identity its link's name carries. */
export function recordText(path: string, instance: Instance): string {
  return instance.identity === undefined
    ? instance.text
    : `${instance.text}\n${identityLineOf(basename(path), instance.identity)}`;
}

/** True when `b` is still exactly the instance `a`: same inode, content and identity (with its nonce). */
export function sameInstance(a: Instance, b: Instance | undefined): boolean {
  return sameInode(a, b) && a.identity === b?.identity;
}

/** Same node, same content, same mtime: only the identity link may differ (an operator removed it). */
export function sameInode(a: Instance, b: Instance | undefined): boolean {
  return (
    b !== undefined &&
    a.type === b.type &&
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.text === b.text &&
    a.mtimeMs === b.mtimeMs
  );
}

/**
 * Writes `text` to a fresh hidden file next to `path` (O_EXCL, never through a link), mode 0644
 * whatever the umask. Linking it into place later makes the content appear all at once.
 */
export function writeTemp(path: string, text: string, createDirectory: boolean, name?: string): string {
  const temp = join(dirname(path), name ?? `.${basename(path)}.${process.pid}.${newNonce()}.tmp`);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(temp, flags, 0o644);
  } catch (error) {
    const code = errnoOf(error);
    if (code !== 'ENOENT' || !createDirectory) fail(path, 'create', error);
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
      fd = openSync(temp, flags, 0o644);
    } catch (retryError) {
      fail(path, 'create', retryError);
    }
  }
  try {
    fchmodSync(fd, 0o644);
    writeSync(fd, text);
  } catch (error) {
    closeSync(fd);
    removeQuietly(temp);
    fail(path, 'create', error);
  }
  closeSync(fd);
  return temp;
}

/** link(2): fails with EEXIST when anything (a link included, never followed) is at `path`. */
export function linkExclusive(temp: string, path: string): boolean {
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    fail(path, 'link', error);
  }
}

/** Unlinks `path`; false when it was already gone. */
export function remove(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    fail(path, 'remove', error);
  }
}

/** True when `path` is (lstat, never followed) the inode of `instance`. */
export function sameNode(instance: Instance, path: string): boolean {
  try {
    const stat = lstatSync(path);
    return stat.dev === instance.dev && stat.ino === instance.ino;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    fail(path, 'read', error);
  }
}

/** Renames whatever squats at `path` (never following a link) to a unique name beside it: nothing is deleted. */
export function moveAside(path: string): void {
  try {
    renameSync(path, `${path}.moved-${newNonce()}`);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') fail(path, 'move', error);
  }
}

/** For our own temp and claim files: a failure to remove them must not hide the real outcome. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Only our private temp files come here; a leftover one is harmless and named after our PID.
  }
}
