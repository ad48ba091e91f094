import { UsageError } from '../errors.js';

/** `lastcall report`: arrives with its issue. */
export function main(argv: string[]): Promise<number> {
  return Promise.reject(new UsageError(`"report" is not built yet (${argv.length} arguments ignored)`));
}
