// Hook for `lastcall doctor` (issue 12, built on another branch): once dist/cli/doctor.js is real,
// the demo audits one broken and one fixed service from the outside and prints the HTML timelines.
// Until then it prints nothing.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'cli', 'main.js');
const targets = ['broken', 'fixed'].map((variant) => ({
  variant,
  script: path.join(root, 'examples', 'incidents', '2-runner-supervisor', `${variant}.js`),
}));

async function runCli(args) {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  child.stdout.resume();
  const [code] = await once(child, 'exit');
  return { code, stderr };
}

/** True when `lastcall doctor` is built (the skeleton answers "not built yet"). */
export async function doctorAvailable() {
  const { stderr } = await runCli(['doctor']);
  return !/not built yet/.test(stderr);
}

/** Runs doctor against incident 2, broken and fixed, and prints where each HTML timeline was written. */
export async function runDoctorIfAvailable(out) {
  if (!(await doctorAvailable())) return;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lastcall-demo-'));
  out('\nlastcall doctor, auditing incident 2 from the outside:');
  for (const { variant, script } of targets) {
    const html = path.join(dir, `runner-supervisor-${variant}.html`);
    const { code } = await runCli(['doctor', '--deadline', '5s', '--html', html, '--', process.execPath, script]);
    out(`  ${variant}: ${code === 0 ? 'no check failed' : 'checks failed'}; timeline: ${html}`);
  }
}
