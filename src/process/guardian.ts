import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { GUARDIAN_SCRIPT } from './guardian-script.js';

/** Environment variable that marks a managed child's tree: `<parent token>.<child number>`. */
export const MARKER_VARIABLE = 'LASTCALL_TREE';

const parentToken = `${process.pid}-${randomBytes(6).toString('hex')}`;
/** Registered groups: pgid → the leader's start time, as the guardian will compare it. */
const groups = new Map<number, string>();
let guardian: ChildProcess | undefined;
let childCount = 0;
let warned = false;

/** A fresh marker value; children under the guardian share this parent's token as a prefix. */
export function nextMarker(underGuardian: boolean): string {
  childCount += 1;
  const prefix = underGuardian ? parentToken : `free-${randomBytes(6).toString('hex')}`;
  return `${prefix}.${childCount}`;
}

/** The pid of this process's guardian, or undefined before the first managed child (or after opt-out). */
export function getGuardianPid(): number | undefined {
  return guardian?.pid;
}

/**
 * Starts the guardian now if it is not running. Called before a guarded child is spawned: a parent
 * SIGKILLed between the spawn and the guardian's own start would otherwise leave that child behind
 * (the guardian, once up, finds an unregistered child by its environment marker).
 */
export function ensureGuardian(): void {
  if (!guardian) startGuardian();
}

/** Starts the guardian on first use and tells it about `pgid`, identified by its leader's start time
 * (so a group id reused by a stranger after our group died is never killed), or, once the leader is
 * gone, by a `witness` member still in the group and its start time. Registering again replaces. */
export function registerGroup(pgid: number, startTime: string, witness = pgid): void {
  // /proc's start time is one number; macOS `ps` lstart has blanks, which the guardian strips too.
  groups.set(pgid, `${startTime.replace(/\s+/g, '')}:${witness}`);
  if (guardian) write(guardian, registration(pgid));
  else startGuardian(); // replays every registered group, this one included
}

/** The group is gone (or closed by us): the guardian must not kill it later (its pgid may be reused). */
export function unregisterGroup(pgid: number): void {
  if (!groups.delete(pgid)) return;
  if (guardian) write(guardian, `-${pgid}\n`);
}

function startGuardian(): void {
  // What ps and top show: a short line saying what it is and whose trees it guards, not the ~3 KB
  // script (passed in the environment instead, where `eval` runs it in the same, trap-holding shell).
  const g = spawn(
    '/bin/sh',
    ['-c', 'eval "$LASTCALL_GUARDIAN_SCRIPT"', `guarding-trees-of-pid-${process.pid}`, parentToken],
    {
      argv0: 'lastcall-guardian',
      env: { ...process.env, LASTCALL_GUARDIAN_SCRIPT: GUARDIAN_SCRIPT },
      stdio: ['pipe', 'ignore', 'ignore'],
      // Own session: a Ctrl-C to the parent's process group must not take the guardian down first.
      detached: true,
    },
  );
  if (g.pid === undefined || !g.stdin) {
    g.once('error', (error) => warn(error));
    return;
  }
  guardian = g;
  // Neither the guardian nor its pipe may keep the parent's event loop alive.
  g.unref();
  (g.stdin as unknown as { unref?: () => void }).unref?.();
  g.stdin.on('error', () => {
    /* EPIPE: the guardian died; the 'exit' handler below restarts it on next use */
  });
  g.once('exit', () => {
    if (guardian === g) guardian = undefined;
  });
  // Registrations made before a restart (the previous guardian died) are replayed.
  for (const pgid of groups.keys()) write(g, registration(pgid));
}

function registration(pgid: number): string {
  return `+${pgid}:${groups.get(pgid) ?? ''}\n`;
}

function write(g: ChildProcess, line: string): void {
  if (g.stdin?.writable === true) g.stdin.write(line);
}

function warn(error: Error): void {
  if (warned) return;
  warned = true;
  process.emitWarning(
    `lastcall: could not start the process guardian (${error.message}); managed children ` +
      `will not be killed if this process dies abruptly`,
    { code: 'LASTCALL_NO_GUARDIAN' },
  );
}
