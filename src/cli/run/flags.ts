import { EXIT_PRESET_NAMES } from '../../core/exit/presets.js';
import type { FlagTable } from '../flags.js';

/** `lastcall run`'s flags: parser, `--help`, defaults and the docs' table (see ../flags.ts). */
export const RUN_FLAGS: FlagTable = [
  {
    name: 'deadline',
    type: 'string',
    hint: '<duration>',
    default: '25s',
    env: 'LASTCALL_DEADLINE_MS',
    description:
      "first stop signal → runner exit, everything included; unset, the platform's grace period minus a margin ([deadline.md](deadline.md)). The child gets `LASTCALL_DEADLINE_MS` = this minus the kill reserve and a margin (`--deadline 2s` → 1350), unless you set that variable next to `--deadline`",
  },
  {
    name: 'stop-signal',
    type: 'string',
    hint: '<SIG>',
    default: 'SIGTERM',
    description:
      'what the tree gets first (`SIGINT` for PM2-style apps): a name (`SIGTERM`, `TERM`) or number (`15`); `SIGKILL`/`SIGSTOP` refused',
  },
  {
    name: 'restart',
    type: 'string',
    hint: 'never|on-failure|always',
    default: 'never',
    description: '`on-failure`: non-zero exit, signal death, or a readiness timeout',
  },
  {
    name: 'backoff',
    type: 'string',
    hint: '<min>..<max>',
    default: '1s..60s',
    description: 'restart delay: min × 2^(n-1), capped at max, ±20 % jitter (never above max)',
  },
  {
    name: 'max-restarts',
    type: 'string',
    hint: '<n>',
    default: '10',
    description: 'more restarts than this within `--restart-window`: give up (exit 123)',
  },
  {
    name: 'restart-window',
    type: 'string',
    hint: '<duration>',
    default: '10m',
    description: 'the window `--max-restarts` counts in',
  },
  {
    name: 'reset-after',
    type: 'string',
    hint: '<duration>',
    default: '30s',
    description: 'a child that ran this long starts the backoff again from min',
  },
  {
    name: 'no-restart-on',
    type: 'string',
    hint: '<codes>',
    repeatable: true,
    description: 'exit codes that are final, comma-separated (`--no-restart-on 78,79`)',
  },
  {
    name: 'pidfile',
    type: 'string',
    hint: '<path>',
    description:
      "lastcall's PID file (identity-checked, never stale), held by the **runner** for its whole life, removed on every exit it survives",
  },
  {
    name: 'pidfile-wait',
    type: 'string',
    hint: '<duration>',
    default: '0',
    description:
      "a PID file held by a live process: wait this long for it to be released (a restart overlapping the old instance's stop), then exit 75 as without it",
  },
  {
    name: 'ready',
    type: 'string',
    hint: '<spec>',
    defaultText: 'none (ready at spawn)',
    description:
      "`tcp:<port>`, `tcp:<host>:<port>` (connect), `http://…`/`https://…` (a 2xx), `log:<regex>` (a line on the child's stdout or stderr, copied through), `fd:<n>` (s6 style: the child writes a newline to fd n ≥ 3)",
  },
  {
    name: 'ready-timeout',
    type: 'string',
    hint: '<duration>',
    default: '60s',
    description:
      'not ready by then: the child is stopped, and that run failed (exit 122, or a restart under `on-failure`/`always`)',
  },
  { name: 'report', type: 'string', hint: '<path>', description: "write the run's JSON report there on exit" },
  { name: 'json', type: 'boolean', description: 'print the JSON report on stdout on exit' },
  {
    name: 'exit-code',
    type: 'string',
    hint: '<outcome>=<n>',
    repeatable: true,
    description: "remap one outcome's exit code (applied after the preset)",
  },
  {
    name: 'exit-preset',
    type: 'string',
    hint: EXIT_PRESET_NAMES.join('|'),
    description:
      'exit codes that service manager expects: [one table](api.md#exit-codes-by-service-manager) with the library',
  },
  {
    name: 'adopt',
    type: 'boolean',
    description:
      'preload [`lastcall/auto`](auto.md) into the child (which must be `node`): its servers drained, its own stop-signal listeners adopted; its lastcall gets the deadline every child is handed',
  },
  {
    name: 'listen',
    type: 'string',
    hint: '[<name>=]<spec>',
    repeatable: true,
    description:
      "a listening socket the runner binds before the first start, holds for its whole life and passes to every child as fd 3, 4, … (systemd's `LISTEN_FDS`): `tcp:<port>` (every interface), `tcp:<host>:<port>` (IPv6 in brackets: `tcp:[::1]:0`, `tcp:[::]:8080`; an IP literal may drop `tcp:`: `[::1]:0`), `unix:<path>`; port 0 takes a free port (the runner prints it); `name` goes in `LISTEN_FDNAMES` (default `tcp`/`unix`)",
  },
  {
    name: 'reload-signal',
    type: 'string',
    hint: '<SIG>',
    defaultText: 'none (`SIGHUP` is forwarded)',
    description:
      "this signal to the runner starts a reload: a new child on the same sockets, then, once it is ready, the old one's normal stop; `SIGTERM`/`SIGINT` refused",
  },
  { name: 'help', type: 'boolean', short: 'h', description: 'every flag and default' },
];
