import { dropListener, keepListener } from '../../internal/kept-listeners.js';
import { processWide } from '../../internal/process-wide.js';
import { consumeSelfSignal } from './exit-guard.js';
import { claimSignals, OWN_LISTENER } from './signal-owner.js';
import { guardStdio } from './stdio-guard.js';

export type CrashKind = 'uncaughtException' | 'unhandledRejection';

/** One lifecycle's interest in process events. */
export interface ProcessHookMember {
  signals: readonly NodeJS.Signals[];
  handleErrors: boolean;
  /** Other code's listeners for `signals` run as this lifecycle's steps (see signal-owner.ts). */
  adoptSignalListeners: boolean;
  onSignal(signal: NodeJS.Signals): void;
  onError(kind: CrashKind, error: unknown): void;
}

// Process-wide: one listener per signal and per crash event, shared by every lifecycle in the
// process, so that one signal reaches all of them and a listener is never installed twice.
const { members, installed } = processWide('process-hooks', () => ({
  members: new Set<ProcessHookMember>(),
  installed: new Map<string, (value: unknown) => void>(),
}));

function dispatchSignal(value: unknown): void {
  const signal = value as NodeJS.Signals;
  // Sent by this process to itself during the shutdown (NestJS re-raises it): not a stop request.
  if (consumeSelfSignal(signal)) return;
  for (const member of [...members]) if (member.signals.includes(signal)) member.onSignal(signal);
}

function dispatchError(kind: CrashKind, error: unknown): void {
  for (const member of [...members]) if (member.handleErrors) member.onError(kind, error);
}

const crashListeners: Record<CrashKind, (error: unknown) => void> = {
  uncaughtException: (error) => dispatchError('uncaughtException', error),
  unhandledRejection: (error) => dispatchError('unhandledRejection', error),
};
// Adoption of foreign signal listeners recognises these as lastcall's, whichever copy installed them.
for (const listener of [dispatchSignal, ...Object.values(crashListeners)])
  Object.defineProperty(listener, OWN_LISTENER, { value: true });

/** Installs exactly the process listeners the current members need, and removes the others. */
function sync(): void {
  const wanted = new Set<string>();
  for (const member of members) {
    for (const signal of member.signals) wanted.add(signal);
    if (member.handleErrors) Object.keys(crashListeners).forEach((kind) => wanted.add(kind));
  }
  for (const [event, listener] of installed) {
    if (!wanted.has(event)) {
      dropListener(event, listener);
      installed.delete(event);
    }
  }
  for (const event of wanted) {
    if (installed.has(event)) continue;
    const listener = event in crashListeners ? crashListeners[event as CrashKind] : dispatchSignal;
    // Kept: a framework's process.removeAllListeners('SIGTERM') would leave the signal unheard.
    keepListener(event, listener);
    installed.set(event, listener);
  }
}

/** Adds a lifecycle's signal and crash listeners; the returned function removes exactly those. */
export function installProcessHooks(member: ProcessHookMember): (keepAdopted?: boolean) => void {
  // A lifecycle that owns crash handling owns stdio failures too: a closed stdout is no crash.
  if (member.handleErrors) guardStdio();
  members.add(member);
  sync();
  const release = member.adoptSignalListeners && member.signals.length > 0 ? claimSignals(member.signals) : undefined;
  return (keepAdopted = false) => {
    // While the process exits (a re-raised signal), adopted listeners stay silent.
    if (!keepAdopted) release?.();
    if (members.delete(member)) sync();
  };
}
