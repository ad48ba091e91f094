import { UsageError } from '../errors.js';

/** `lastcall doctor`: arrives with its issue. */
export function main(argv: string[]): Promise<number> {
  return Promise.reject(new UsageError(`"doctor" is not built yet (${argv.length} arguments ignored)`));
}
