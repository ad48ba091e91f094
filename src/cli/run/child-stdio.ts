import type { ManagedChild } from '../../process/index.js';
import type { RunOptions } from './options.js';
import { copyOutput, runOutput } from './output.js';

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

/** Copies a child's piped stdout/stderr through; a reader gone for good gets the child a SIGPIPE. */
export function copyChildOutput(child: ManagedChild): void {
  const sigpipe = (): void => {
    try {
      if (!child.exited) process.kill(child.pid, 'SIGPIPE');
    } catch {
      // gone meanwhile: nothing to tell
    }
  };
  if (child.stdout) copyOutput(child.stdout, runOutput().out, sigpipe);
  if (child.stderr) copyOutput(child.stderr, runOutput().err, sigpipe);
}
