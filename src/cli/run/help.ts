import { EXIT_PRESET_NAMES } from '../../core/exit/presets.js';

/** `lastcall run --help`. Every flag and default; the README's "lastcall run" section says more. */
export const RUN_HELP = `Usage: lastcall run [options] -- <command> [args...]

Runs <command> in its own process group and session, forwards signals once, stops its whole tree
within the deadline, restarts it if asked, and reports what happened.

Options (durations: 1500, 1500ms, 2s, 1m):
  --deadline <duration>        first stop signal → runner exit, everything included (25s; env LASTCALL_DEADLINE_MS)
  --stop-signal <SIG>          what the tree gets first (SIGTERM)
  --restart <policy>           never | on-failure | always (never)
  --backoff <min>..<max>       exponential restart delay with ±20% jitter (1s..60s)
  --max-restarts <n>           give up after n restarts within --restart-window (10)
  --restart-window <duration>  (10m)
  --reset-after <duration>     uptime after which the backoff starts again from <min> (30s)
  --no-restart-on <codes>      exit codes that are never restarted, comma-separated (none)
  --pidfile <path>             PID file held for the runner's whole life (none)
  --ready <spec>               tcp:<port> | tcp:<host>:<port> | http://… (2xx) | log:<regex> | fd:<n> (none)
  --ready-timeout <duration>   a child not ready by then is a failed start (60s)
  --report <path>              write the run's JSON report there on exit
  --json                       print the JSON report on stdout on exit
  --exit-code <outcome>=<n>    remap an outcome's exit code (repeatable)
  --exit-preset <name>         ${EXIT_PRESET_NAMES.join(' | ')}
  --listen [<name>=]<spec>     a socket bound before the first start and passed to every child as fd 3, 4, ...
                               (LISTEN_FDS): tcp:<port> | tcp:<host>:<port> | unix:<path>; repeatable (none)
  --reload-signal <SIG>        starts a reload: a new child on the same sockets, then the old one stopped
                               once the new one is ready (none: SIGHUP is forwarded)
  -h, --help                   this help

Exit codes: the child's own (signal death: 128+n) when it exits or is stopped; 2 usage; 73 PID file
unusable; 75 PID file held; 122 not ready in time; 123 gave up restarting; 124 SIGKILLed at the
deadline; 125 forced by a second signal; 126 not executable; 127 not found; 98 a --listen socket
cannot be bound; 1 survivors after SIGKILL.
`;
