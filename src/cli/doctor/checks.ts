// Every check doctor runs, stated once: its id, what passing and failing mean (the docs' table comes
// from it), and the message and advice for each outcome. evaluate.ts only decides which outcome.

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export interface Check {
  id: string;
  status: CheckStatus;
  message: string;
  value: number | null;
}

/** What a message is built from: counts, durations already formatted, names. */
export type CheckVars = Record<string, string | number>;

export interface Outcome {
  readonly status: CheckStatus;
  readonly message: (v: CheckVars) => string;
  /** Appended as `. Fix: …`. */
  readonly fix?: string;
}

export interface CheckEntry {
  readonly id: string;
  /** markdown, for the docs' table */
  readonly passes: string;
  /** markdown, for the docs' table */
  readonly failsWhen: string;
  readonly outcomes: Readonly<Record<string, Outcome>>;
}

const SKIP_NOT_READY: Outcome = { status: 'skip', message: () => 'the service never became ready' };
const SKIP_NO_SIGNAL: Outcome = { status: 'skip', message: () => 'no stop signal was sent' };

export const CHECKS = [
  {
    id: 'ready',
    passes: 'ready within `--ready-timeout`',
    failsWhen: 'not ready, or exited first (the message quotes its last output)',
    outcomes: {
      ready: { status: 'pass', message: (v) => `ready ${v.after} after start` },
      'not-ready': { status: 'fail', message: (v) => `${v.error}${v.tail}` },
    },
  },
  {
    id: 'exit',
    passes: 'exited by itself before the deadline (`value`: ms from the signal)',
    failsWhen:
      'doctor had to SIGKILL it; the message names what it was doing (still serving new connections, still answering on open connections, not serving with a child process still alive (pid, command: what was seen, not a guessed cause), requests unanswered, idle but alive) and, with `--explain`, what kept its event loop alive; the fix fits the service (a Node service without lastcall: `createLifecycle`; one already on lastcall: its own deadline; any other: `lastcall run`); a service that printed `EADDRINUSE` is said so',
    outcomes: {
      'not-ready': SKIP_NOT_READY,
      early: {
        status: 'fail',
        message: (v) => `exited by itself ${v.after} after becoming ready, before ${v.signal} was sent${v.inUse}`,
      },
      exited: {
        status: 'pass',
        message: (v) => `exited ${v.after} after ${v.signal}, inside the ${v.deadline} deadline`,
      },
      killed: {
        status: 'fail',
        // The fix depends on the service (advice.ts): Node, Node on lastcall, or any other.
        message: (v) =>
          `still running ${v.deadline} after ${v.signal}, so doctor SIGKILLed its whole tree; at the deadline it was ${v.stuck}${v.explain}. Fix: ${v.fix}`,
      },
    },
  },
  {
    id: 'exit-code',
    passes: '0',
    failsWhen:
      "**warn** for 128+signal or death by a signal (how systemd, Docker and Kubernetes read it); **fail** for any other code or doctor's SIGKILL (137)",
    outcomes: {
      'not-ready': SKIP_NOT_READY,
      'no-exit': { status: 'skip', message: () => 'no exit was observed' },
      killed: {
        status: 'fail',
        message: () =>
          'SIGKILLed at the deadline (137): systemd marks the unit failed, Docker and Kubernetes record exit 137',
      },
      zero: { status: 'pass', message: () => 'exit code 0' },
      'signal-death': {
        status: 'warn',
        message: (v) =>
          `${v.how} (128+signal): Docker and Kubernetes show ${v.code} as an error exit, and systemd counts it as success only for SIGTERM/SIGINT/SIGHUP/SIGPIPE (or with SuccessExitStatus=). Handle ${v.signal} and exit 0 after a clean shutdown`,
      },
      failure: {
        status: 'fail',
        message: (v) =>
          `exit code ${v.code}: a failure to systemd (Restart=on-failure restarts it), Docker and Kubernetes`,
      },
    },
  },
  {
    id: 'intake',
    passes:
      'new connections (a fresh-connection probe every 50 ms from 50 ms after the signal) stopped being served — refused, or answered `Connection: close`/5xx — and stayed so (`value`: ms from the signal)',
    failsWhen:
      '**fail** when new connections were still served at the exit or the deadline; **warn** when they were still accepted but never answered (probes timed out: a blocked or wedged listener), or when `--readiness` is given and it never answered non-2xx before the listener closed',
    outcomes: {
      'not-ready': SKIP_NOT_READY,
      'no-signal': SKIP_NO_SIGNAL,
      'exited-first': {
        status: 'pass',
        message: (v) => `exited ${v.after} after the signal, before the first new-connection probe`,
      },
      served: {
        status: 'fail',
        message: (v) =>
          `new connections were still served ${v.after} after the signal, until ${v.until}: a stopping instance keeps taking work`,
        fix: 'on the signal, fail readiness and close the listener (lastcall/http httpServer does)',
      },
      unanswered: {
        status: 'warn',
        message: (v) =>
          `new connections stopped being answered ${v.after} after the signal but were still accepted (the probes timed out): clients and load balancers wait instead of being refused`,
        fix: 'close the listener on the signal',
      },
      'readiness-late': {
        status: 'warn',
        message: (v) =>
          `new connections stopped being served ${v.after} after the signal, but the readiness endpoint never answered non-2xx before the listener closed, so a load balancer learns of the stop only from refused connections`,
        fix: 'fail readiness first (a pre-stop delay), then close',
      },
      stopped: {
        status: 'pass',
        message: (v) => `new connections stopped being served ${v.after} after the signal (${v.probe})`,
      },
    },
  },
  {
    id: 'in-flight',
    passes: 'every request in flight at the signal was answered (`value`: how many)',
    failsWhen: 'any was reset, answered 5xx or failed; **skip** when none was in flight',
    outcomes: {
      'not-ready': SKIP_NOT_READY,
      'no-signal': SKIP_NO_SIGNAL,
      none: { status: 'skip', message: () => 'no request was in flight at the signal' },
      answered: { status: 'pass', message: (v) => `all ${v.total} requests in flight at the signal were answered` },
      failed: {
        status: 'fail',
        message: (v) =>
          `${v.bad} of ${v.total} requests in flight at the signal failed (${v.reset} reset, ${v['5xx']} 5xx, ${v.error} other): finish in-flight requests before closing their sockets`,
      },
    },
  },
  {
    id: 'resets',
    passes: 'no request sent after the signal was reset',
    failsWhen:
      '**fail** when requests sent on existing keep-alive connections saw ECONNRESET/EPIPE/a close before the response (they may have run; the client cannot know); **warn** when only new connections were reset (accepted into the backlog as the listener closed)',
    outcomes: {
      'not-ready': SKIP_NOT_READY,
      'no-signal': SKIP_NO_SIGNAL,
      none: { status: 'pass', message: (v) => `none of ${v.total} requests sent after the signal was reset` },
      'new-only': {
        status: 'warn',
        message: (v) =>
          `${v.fresh} requests on new connections after the signal were reset (accepted into the listen backlog as the listener closed, or accepted and then destroyed); none on existing keep-alive connections`,
      },
      reused: {
        status: 'fail',
        message: (v) =>
          `${v.reused} requests sent on existing keep-alive connections after the signal were reset${v.alsoFresh}: the client cannot know whether they ran`,
        fix: 'answer with Connection: close and close a keep-alive socket only after a response, never while a request may be arriving (lastcall/http keeps idle sockets briefly)',
      },
    },
  },
  {
    id: 'orphans',
    passes: "no process of the service's tree was alive 1 s after it exited",
    failsWhen:
      "**fail** with pid and command line of each; doctor then kills them. The tree is every process seen under the service (walked every 100 ms), its process group, and every process carrying the `LASTCALL_TREE` marker doctor sets in the environment (finds `setsid`'d ones). Three walks 100 ms apart, every periodic walk since, and the group itself (a live non-zombie member) count, so a fork-exit chain whose generations live a few ms cannot pass; doctor then kills the tree and the group until it is empty. The fix fits the service (`lastcall run` for a non-Node one)",
    outcomes: {
      'not-ready': SKIP_NOT_READY,
      unchecked: { status: 'skip', message: () => 'the process tree could not be walked' },
      none: {
        status: 'pass',
        message: (v) =>
          v.seen === 1
            ? 'the 1 process seen in its tree was not alive 1 s after exit'
            : `none of the ${v.seen} processes seen in its tree was alive 1 s after exit`,
      },
      found: {
        status: 'fail',
        message: (v) =>
          `${v.count} ${v.count === 1 ? 'process' : 'processes'} of its tree ${v.count === 1 ? 'was' : 'were'} alive 1 s after it exited${v.chain}: ${v.list}; doctor killed them. Fix: ${v.fix}`,
      },
      'group-left': {
        status: 'fail',
        message: (v) =>
          `its process group still had members 1 s after it exited, each too short-lived to be named (short-lived processes kept forking); doctor killed the group. Fix: ${v.fix}`,
      },
    },
  },
  {
    id: 'files',
    passes: 'each `--pidfile`/`--file` is gone after exit',
    failsWhen:
      "**fail** per file left, saying whether its PID is dead, reused by another process, or still the service's",
    outcomes: {
      'not-ready': SKIP_NOT_READY,
      'no-files': { status: 'skip', message: () => 'no --pidfile/--file given' },
      gone: { status: 'pass', message: (v) => `${v.count} file(s) gone after exit` },
      left: {
        status: 'fail',
        message: (v) => `${v.count} file(s) left after exit: ${v.list}`,
        fix: 'remove them on exit and check them against the live process at start (lastcall/pidfile)',
      },
    },
  },
  {
    id: 'second-signal',
    passes: '(`--second-signal`) exited within 1 s of the second signal',
    failsWhen: 'still running; **skip** when it exited before the second signal was due',
    outcomes: {
      'not-ready': SKIP_NOT_READY,
      'exited-first': {
        status: 'skip',
        message: (v) => `exited before the second ${v.signal} was due (500 ms after the first)`,
      },
      exited: { status: 'pass', message: (v) => `exited ${v.after} after the second ${v.signal}` },
      'still-running': {
        status: 'fail',
        message: (v) =>
          `still running ${v.after} after the second ${v.signal}: a second signal must force the exit at once`,
      },
    },
  },
  {
    id: 'platform',
    passes:
      "(only when the environment names a platform whose grace period lastcall cannot read: Kubernetes' `KUBERNETES_SERVICE_HOST`, or `LASTCALL_PLATFORM`) the service is handed `LASTCALL_DEADLINE_MS`",
    failsWhen:
      '**warn** when it is not: lastcall (in the service, or a `lastcall run` around it) falls back to its default deadline, which the grace period may cut; the advice says how to hand the grace period down',
    outcomes: {
      handed: {
        status: 'pass',
        message: (v) => `${v.where}: the service is handed LASTCALL_DEADLINE_MS=${v.given}`,
      },
      hidden: {
        status: 'warn',
        message: (v) =>
          `${v.where}: its grace period (${v.setting}) is not visible to the service and no LASTCALL_DEADLINE_MS is set, so lastcall (the library in it, or a lastcall run around it) falls back to its default deadline, which the grace period may cut`,
        fix: "hand the grace period down: set LASTCALL_DEADLINE_MS in the service's environment, next to the grace period, to it in ms less a margin (10%, 100 ms to 1 s); see docs/deadline.md",
      },
    },
  },
] as const satisfies readonly CheckEntry[];

export type CheckId = (typeof CHECKS)[number]['id'];
