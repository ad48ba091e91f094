import { processWide } from '../../internal/process-wide.js';
import { guardStdio } from './stdio-guard.js';

export type CrashKind = 'uncaughtException' | 'unhandledRejection';

/** One lifecycle's interest in process events. */
export interface ProcessHookMember {
  signals: readonly NodeJS.Signals[];
  handleErrors: boolean;
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
  for (const member of [...members]) if (member.signals.includes(signal)) member.onSignal(signal);
}

function dispatchError(kind: CrashKind, error: unknown): void {
  for (const member of [...members]) if (member.handleErrors) member.onError(kind, error);
}

const crashListeners: Record<CrashKind, (error: unknown) => void> = {
  uncaughtException: (error) => dispatchError('uncaughtException', error),
  unhandledRejection: (error) => dispatchError('unhandledRejection', error),
};

/** Installs exactly the process listeners the current members need, and removes the others. */
function sync(): void {
  const wanted = new Set<string>();
  for (const member of members) {
    for (const signal of member.signals) wanted.add(signal);
    if (member.handleErrors) Object.keys(crashListeners).forEach((kind) => wanted.add(kind));
  }
  for (const [event, listener] of installed) {
    if (!wanted.has(event)) {
      process.off(event, listener);
      installed.delete(event);
    }
  }
  for (const event of wanted) {
    if (installed.has(event)) continue;
    const listener = event in crashListeners ? crashListeners[event as CrashKind] : dispatchSignal;
    process.on(event, listener);
    installed.set(event, listener);
  }
}

/** Adds a lifecycle's signal and crash listeners; the returned function removes exactly those. */
export function installProcessHooks(member: ProcessHookMember): () => void {
  // A lifecycle that owns crash handling owns stdio failures too: a closed stdout is no crash.
  if (member.handleErrors) guardStdio();
  members.add(member);
  sync();
  return () => {
    if (members.delete(member)) sync();
  };
}
