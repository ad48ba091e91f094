import { helpText } from '../flags.js';
import { exitCodeHelp } from './exit-codes.js';
import { RUN_FLAGS } from './flags.js';

/** `lastcall run --help`, from the flag and exit-code tables; the docs say more. */
export const RUN_HELP = `Usage: lastcall run [options] -- <command> [args...]

Runs <command> in its own process group and session, forwards signals once, stops its whole tree
within the deadline, restarts it if asked, and reports what happened.

Options (durations: 1500ms, 2s, 1m; a bare number from 1 to 999 is refused: write 30s or 30ms):
${helpText(RUN_FLAGS)}

Exit codes (child's: its own code, signal death 128+n):
${exitCodeHelp()}
`;
