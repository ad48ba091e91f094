import type { RunOptions } from './options.js';

/** Inherit the runner's stdio; pipe (and copy through) what readiness must read. */
export function childStdio(o: RunOptions): (string | number)[] {
  const spec = o.ready;
  if (spec?.kind === 'log') return ['inherit', 'pipe', 'pipe'];
  if (spec?.kind !== 'fd') return ['inherit', 'inherit', 'inherit'];
  const stdio: (string | number)[] = ['inherit', 'inherit', 'inherit'];
  while (stdio.length < spec.fd) stdio.push('ignore');
  stdio.push('pipe');
  return stdio;
}
