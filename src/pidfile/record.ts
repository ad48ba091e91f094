import { randomBytes } from 'node:crypto';

import type { ProcessIdentity } from './identity.js';

/** What a file says: `pidfile` and `lock` are owned files; `claim` marks a takeover in progress. */
export type RecordKind = 'pidfile' | 'lock' | 'claim';

/** A parsed file. Everything but `pid` is optional: foreign or older files carry less. */
export interface PidRecord {
  pid?: number;
  /** true when the identity line (`lastcall ...`) was present. */
  tagged: boolean;
  kind?: string;
  start?: string;
  boot?: string;
  pidns?: string;
  host?: string;
  sinceMs?: number;
  /** The holder's command name, URI-encoded; absent in older files. */
  cmd?: string;
  /** The holder refreshes the file's mtime every `leaseMs` (see lease.ts); absent in older files. */
  leaseMs?: number;
  nonce?: string;
}

// Linux caps PIDs at 2^22; anything above is not a PID we can check.
const MAX_PID = 4_194_304;
const KEYS = ['kind', 'start', 'boot', 'pidns', 'host', 'since', 'cmd', 'lease', 'nonce'] as const;

/** A fresh random token: every file lastcall writes is unique, so an inode reused later never matches. */
export function newNonce(): string {
  return randomBytes(8).toString('hex');
}

function identityFields(identity: ProcessIdentity, kind: RecordKind, nonce: string, leaseMs?: number): string[] {
  const values: Record<(typeof KEYS)[number], string | number | undefined> = {
    kind,
    start: identity.start,
    boot: identity.boot,
    pidns: identity.pidns,
    host: identity.host,
    since: identity.sinceMs,
    cmd: identity.cmd,
    lease: leaseMs,
    nonce,
  };
  return KEYS.filter((key) => values[key] !== undefined).map((key) => `${key}=${String(values[key])}`);
}

/** Claim files (internal): line 1 the PID, line 2 `lastcall kind=claim start=... boot=... nonce=...`. */
export function formatRecord(identity: ProcessIdentity, kind: RecordKind, nonce: string): string {
  return `${identity.pid}\nlastcall ${identityFields(identity, kind, nonce).join(' ')}\n`;
}

/** `.<base>.lastcall.`: the prefix of identity links next to a PID/lock file. */
export function identityPrefix(base: string): string {
  return `.${base}.lastcall.`;
}

/**
 * The PID/lock file holds only `<pid>\n`, so `kill $(cat file)` works; its identity is the name of a
 * second hard link to the same inode: `.<base>.lastcall.pid=1,kind=pidfile,start=...,nonce=...`.
 */
export function formatIdentityName(
  base: string,
  identity: ProcessIdentity,
  kind: RecordKind,
  nonce: string,
  leaseMs?: number,
): string {
  return `${identityPrefix(base)}${[`pid=${identity.pid}`, ...identityFields(identity, kind, nonce, leaseMs)].join(',')}`;
}

/** The identity line an identity link's name stands for (parsed like a record's second line). */
export function identityLineOf(base: string, name: string): string {
  return `lastcall ${name.slice(identityPrefix(base).length).split(',').join(' ')}`;
}

// What lastcall writes is a PID line plus at most one identity line of a few hundred bytes.
export const MAX_PIDFILE_BYTES = 1024;

/**
 * Why `text` (a file of `size` bytes) is not provably a PID file, or undefined when it is: at most
 * MAX_PIDFILE_BYTES, a PID on the first line, then at most one `lastcall ...` line and blank lines.
 * Anything else (a CSV whose first line happens to be a number) is never removed or replaced.
 */
export function notAPidFile(text: string, size: number): string | undefined {
  if (size > MAX_PIDFILE_BYTES) return `it is ${size} bytes, more than a PID file (${MAX_PIDFILE_BYTES} at most)`;
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines.at(-1) ?? '').trim() === '') lines.pop();
  if (parseRecord(text).pid === undefined) return 'its first line is not a PID';
  if (lines.length > 2 || (lines.length === 2 && !(lines[1] ?? '').startsWith('lastcall '))) {
    return 'it holds more than a PID line and a lastcall identity line';
  }
  return undefined;
}

/** Tolerant: unknown keys and extra lines are ignored; a missing identity line leaves a bare PID. */
export function parseRecord(text: string): PidRecord {
  const lines = text.split('\n');
  const first = lines[0]?.trim() ?? ''; // trim: also drops the \r of a CRLF line
  const record: PidRecord = { tagged: false };
  if (/^\d{1,7}$/.test(first)) {
    const pid = Number(first);
    if (pid >= 1 && pid <= MAX_PID) record.pid = pid;
  }
  const line = lines.slice(1).find((l) => l.startsWith('lastcall '));
  if (line === undefined) return record;
  record.tagged = true;
  for (const token of line.slice('lastcall '.length).trim().split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    const key = token.slice(0, eq);
    const value = token.slice(eq + 1);
    if (value === '') continue;
    if (key === 'since') {
      if (/^\d+$/.test(value)) record.sinceMs = Number(value);
    } else if (key === 'lease') {
      if (/^[1-9]\d{0,8}$/.test(value)) record.leaseMs = Number(value);
    } else if (
      key === 'kind' ||
      key === 'start' ||
      key === 'boot' ||
      key === 'pidns' ||
      key === 'host' ||
      key === 'cmd' ||
      key === 'nonce'
    ) {
      record[key] = value;
    }
  }
  return record;
}
