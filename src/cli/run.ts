import { UsageError } from '../errors.js';

/** `lastcall run`: arrives with its issue. */
export function main(argv: string[]): Promise<number> {
  return Promise.reject(new UsageError(`"run" is not built yet (${argv.length} arguments ignored)`));
}
