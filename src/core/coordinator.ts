import { constants } from 'node:os';

import { processWide } from '../internal/process-wide.js';
import { exitNow, exitRequests, holdExits, releaseExits, worseExitCode } from './exit/exit-guard.js';
import { type FinishedShutdown, waitForFlush, waitForOnReport } from './exit/finish.js';
import { installProcessHooks, type ProcessHookMember } from './exit/process-hooks.js';
import { useSyncWrites } from './logger.js';
import type { ShutdownReport } from './types.js';

/** What a lifecycle tells the coordinator about itself. */
export interface LifecycleMember extends ProcessHookMember {
  /** It exits the process (`exit: true`): the process exits when every such lifecycle is done. */
  exit: boolean;
  /** After a clean shutdown begun by a signal, the process ends by that signal. */
  reraiseSignal: boolean;
  /** Another lifecycle of the process is exiting: shut down too. */
  onShutdown(reason: string): void;
}

/** A shutdown under way: what its report says so far, should the process exit now. */
export interface RunningShutdown {
  snapshot(): ShutdownReport;
}

export interface Registration {
  /** Shutdown is about to begin: from now on anyone's process.exit() waits for the report (a life.signal listener's too). */
  beginning(): void;
  began(run: RunningShutdown, reason: string): void;
  finished(done: FinishedShutdown): void;
  /** Removes the lifecycle's process listeners (exit: false, or once exiting). */
  dispose(): void;
}

interface Entry {
  member: LifecycleMember;
  removeHooks: (keepAdopted?: boolean) => void;
  /** Holds process.exit() (once per shutdown). */
  holding?: boolean;
  run?: RunningShutdown;
  done?: FinishedShutdown;
  shipped?: Promise<void>;
}

// Process-wide: several lifecycles in one process share the signals and the exit.
const state = processWide('coordinator', () => ({
  entries: new Set<Entry>(),
  exitReason: undefined as string | undefined,
  exiting: false,
  exitListener: false,
}));
const { entries } = state;

/** Registers a lifecycle with the process-wide coordinator. */
export function registerLifecycle(member: LifecycleMember): Registration {
  const entry: Entry = { member, removeHooks: installProcessHooks(member) };
  entries.add(entry);
  // Created while the process is already exiting: it shuts down with the others.
  const reason = state.exitReason;
  if (member.exit && reason !== undefined) queueMicrotask(() => member.onShutdown(reason));
  return {
    beginning: () => hold(entry),
    began: (run, why) => began(entry, run, why),
    finished: (done) => finished(entry, done),
    dispose: () => dispose(entry),
  };
}

function hold(entry: Entry): void {
  if (entry.holding) return;
  entry.holding = true;
  holdExits();
}

function began(entry: Entry, run: RunningShutdown, reason: string): void {
  entry.run = run;
  installExitListener();
  // Until the report is final, anyone's process.exit() waits for it.
  hold(entry);
  if (!entry.member.exit) return;
  state.exitReason ??= reason;
  // After this tick: a signal being dispatched reaches the others first, as their first signal.
  queueMicrotask(() => {
    for (const other of [...entries]) if (other.member.exit && !other.run) other.member.onShutdown(reason);
  });
}

function finished(entry: Entry, done: FinishedShutdown): void {
  entry.done = done;
  entry.shipped = waitForOnReport(done);
  if (!entry.member.exit) {
    done.watchdog?.stop();
    dispose(entry);
    releaseExits();
    // Someone asked to exit during this shutdown and no lifecycle will exit: do it now the report is final.
    if (exitRequests().length > 0 && ![...entries].some((other) => other.member.exit || (other.run && !other.done))) {
      void entry.shipped.then(() => waitForFlush([done])).then(() => exitNow(worseExitCode(done.report.exitCode)));
    }
    return;
  }
  const owners = [...entries].filter((other) => other.member.exit);
  // The others' watchdogs bound the wait for them; the last one bounds the exit.
  if (owners.some((other) => !other.done)) return done.watchdog?.stop();
  void exitAll(owners, done);
}

async function exitAll(owners: Entry[], last: FinishedShutdown): Promise<void> {
  const finishedAll = owners.map((owner) => owner.done).filter((done) => done !== undefined);
  // A process.exit() someone called during the shutdown, or a process.exitCode set since, counts too: the worse code wins.
  const reported = Math.max(...finishedAll.map((done) => done.report.exitCode));
  const exitCode = worseExitCode(reported, true);
  // The last one's watchdog is the one still armed. From here it no longer reports a timeout:
  // should the deadline pass, it exits with this code.
  last.watchdog?.settle(exitCode);
  // Should the event loop run dry meanwhile, Node exits on its own: with this code.
  process.exitCode = exitCode;
  await Promise.all(owners.map(async (owner) => owner.shipped));
  // onReport may itself call process.exit(n) or set process.exitCode: still the worse code wins.
  const finalCode = worseExitCode(exitCode, true);
  if (finalCode !== reported)
    last.logger.log('info', { code: finalCode }, `exit code ${finalCode} asked for after the report: exiting with it`);
  if (finalCode !== exitCode) {
    process.exitCode = finalCode;
    last.watchdog?.settle(finalCode);
  }
  await waitForFlush(finishedAll);
  state.exiting = true;
  for (const owner of owners) {
    owner.done?.watchdog?.stop();
    dispose(owner, true);
  }
  releaseExits(true);
  if (finalCode === 0 && owners.every((owner) => owner.member.reraiseSignal) && reraise(last.report.reason)) return;
  exitNow(finalCode);
}

/** Ends the process by `reason` when it is a signal: our listeners are gone, so its default action kills us. */
function reraise(reason: string): boolean {
  const number = (constants.signals as Record<string, number | undefined>)[reason];
  if (number === undefined) return false;
  process.kill(process.pid, reason);
  // Still here shortly after: the signal is ignored (PID 1 in a namespace, someone else's listener).
  setTimeout(() => process.exit(128 + number), 100);
  return true;
}

function dispose(entry: Entry, exiting = false): void {
  entries.delete(entry);
  entry.removeHooks(exiting);
}

// Something called process.exit (a hook, a library) in the middle of a shutdown: the exit code
// reflects the report so far, and its summary line is still written.
function installExitListener(): void {
  if (state.exitListener) return;
  state.exitListener = true;
  process.on('exit', (code) => {
    if (state.exiting) return;
    useSyncWrites();
    let worst = 0;
    for (const entry of entries) {
      if (entry.member.exit && entry.run && !entry.done) worst = Math.max(worst, entry.run.snapshot().exitCode);
    }
    if (!code && worst > 0) process.exitCode = worst;
  });
}
