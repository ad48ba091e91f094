import type { ExitCodeEntry, FlagTable } from '../flags.js';

/** `lastcall doctor`'s flags: parser, `--help`, defaults and the docs' table (see ../flags.ts). */
export const DOCTOR_FLAGS: FlagTable = [
  {
    name: 'port',
    type: 'string',
    hint: '<n>',
    defaultText: 'a free port',
    description:
      "given to the service in env `PORT`; `{port}` in any option and in the command's arguments is replaced by it",
  },
  {
    name: 'url',
    type: 'string',
    hint: '<url>',
    default: 'http://127.0.0.1:{port}/',
    description: 'what the load (and the new-connection probe) requests',
  },
  {
    name: 'ready',
    type: 'string',
    hint: '<spec>',
    defaultText: 'the URL answers with any HTTP status',
    description:
      'as in `lastcall run`: `tcp:[host:]port`, `http://...` (2xx), `log:<regex>` (a line of stdout/stderr), `fd:<n>` (any byte on that fd)',
  },
  {
    name: 'ready-timeout',
    type: 'string',
    hint: '<d>',
    default: '30s',
    description: 'a service not ready by then: exit 2',
  },
  {
    name: 'connections',
    type: 'string',
    hint: '<n>',
    default: '20',
    description:
      'keep-alive clients, each one raw socket in a closed loop (next request when the last response ends; 20 ms pause after a refused or reset one); the page draws the first 40',
  },
  {
    name: 'signal',
    type: 'string',
    hint: '<SIG>',
    default: 'SIGTERM',
    description: 'the stop signal: a name (`SIGTERM`, `TERM`) or number (`15`)',
  },
  { name: 'after', type: 'string', hint: '<d>', default: '1s', description: 'load before the signal' },
  {
    name: 'deadline',
    type: 'string',
    hint: '<d>',
    default: '10s',
    description:
      "after the signal; then doctor SIGKILLs the service's whole tree (frozen first, so nothing forks away), as a service manager would",
  },
  {
    name: 'pidfile',
    type: 'string',
    hint: '<path>',
    repeatable: true,
    description: 'a file that must be gone after exit',
  },
  { name: 'file', type: 'string', hint: '<path>', repeatable: true, description: 'the same as `--pidfile`' },
  {
    name: 'readiness',
    type: 'string',
    hint: '<url>',
    description: "the service's readiness endpoint, polled every 50 ms",
  },
  {
    name: 'second-signal',
    type: 'boolean',
    description: 'one more run where a second signal follows the first after 500 ms',
  },
  {
    name: 'runs',
    type: 'string',
    hint: '<n>',
    default: '1',
    description: 'repeat; each check reports its worst status and the median value',
  },
  {
    name: 'explain',
    type: 'boolean',
    defaultText: 'on when the command is `node …`',
    description:
      "preload a module (through `NODE_OPTIONS=--import`) that, when the service outlives the signal by `deadline/2`, writes what keeps its event loop alive (`process.getActiveResourcesInfo()`, sockets' and listeners' addresses, child processes); `exit` then names them, or says the loop is blocked when no dump arrives",
  },
  { name: 'no-explain', type: 'boolean', description: 'do not preload the `--explain` module' },
  { name: 'json', type: 'boolean', description: 'print the result as JSON on stdout' },
  { name: 'html', type: 'string', hint: '<path>', description: 'write the timeline page' },
  { name: 'help', type: 'boolean', short: 'h', description: 'every flag and default' },
];

/** `lastcall doctor`'s exit codes: `--help` and the docs' table. */
export const DOCTOR_EXIT_CODES: readonly ExitCodeEntry[] = [
  { code: 0, when: 'no check failed (warnings allowed)' },
  { code: 1, when: 'a check failed' },
  { code: 2, when: 'a usage error, or the service never became ready (also a `ready` check `fail` in the JSON)' },
  {
    code: 3,
    when: 'doctor itself failed (an internal error): the service was stopped first; with `--json`, `{ "verdict": "error", "error": … }`',
  },
  { code: 130, when: "doctor got SIGINT (143: SIGTERM): the service's whole tree was stopped first" },
];
