// One checker per code-block language of README.md and docs/*.md. Each returns a list of problems
// (empty: the block checks). JavaScript and TypeScript are checked together (snippet-typescript.js).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseAllDocuments } from 'yaml';

import { checkDockerfile, checkUnit } from './deploy-files.js';
import { root } from './markdown.js';

const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
const cli = path.join(root, 'dist', 'cli', 'main.js');
const flagsOf = new Map();

/** The flags `lastcall <command> --help` lists. */
function knownFlags(command) {
  if (!flagsOf.has(command)) {
    const help = execFileSync(process.execPath, [cli, command, '--help'], { encoding: 'utf8' });
    flagsOf.set(command, new Set(help.match(/--[a-z][a-z-]*/g)));
  }
  return flagsOf.get(command);
}

/** Problems of a `lastcall …` command line: an unknown command, or a flag its --help does not list. */
export function lastcallCommandProblems(words) {
  const at = words.indexOf('lastcall');
  if (at < 0) return [];
  const [command, ...rest] = words.slice(at + 1);
  if (!['run', 'doctor', 'report'].includes(command))
    return command?.startsWith('-') ? [] : [`lastcall ${command}: no such command`];
  const end = rest.indexOf('--');
  const flags = (end < 0 ? rest : rest.slice(0, end)).filter((w) => /^--[a-z]/.test(w)).map((w) => w.split('=')[0]);
  return flags
    .filter((flag) => !knownFlags(command).has(flag))
    .map((flag) => `lastcall ${command} ${flag}: not a flag of lastcall ${command}`);
}

export function checkShell(code) {
  const problems = [];
  const parsed = spawnSync('bash', ['-n'], { input: code, encoding: 'utf8' });
  if (parsed.status !== 0) problems.push(`bash -n: ${parsed.stderr.trim()}`);
  for (const line of code.split('\n')) {
    const command = line.replace(/\s#.*$/, '').trim();
    for (const [, script] of command.matchAll(/\bnpm run ([\w:-]+)/g))
      if (!(script in scripts)) problems.push(`npm run ${script}: no such script in package.json`);
    if (/^(npx |sudo )?lastcall /.test(command)) problems.push(...lastcallCommandProblems(command.split(/\s+/)));
  }
  return problems;
}

export function checkJson(code) {
  try {
    JSON.parse(code);
    return [];
  } catch (error) {
    return [`JSON: ${error.message}`];
  }
}

export function checkYaml(code) {
  return parseAllDocuments(code).flatMap((doc) => doc.errors.map((error) => `YAML: ${error.message}`));
}

/** nginx: balanced braces, and every directive ends with `;` (nginx -t needs a whole config). */
export function checkNginx(code) {
  const problems = [];
  let depth = 0;
  code.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
    if (depth < 0) problems.push(`line ${i + 1}: unbalanced }`);
    if (!/[;{}]$/.test(line)) problems.push(`line ${i + 1}: a directive must end with ;`);
  });
  if (depth !== 0) problems.push('unbalanced braces');
  return problems;
}

export const checkDockerfileBlock = (code, fragment) => checkDockerfile(code, { fragment }).problems;

export function checkUnitBlock(code, fragment) {
  const { sections, problems } = checkUnit(code, { fragment });
  for (const value of sections.Service?.ExecStart ?? [])
    problems.push(
      ...lastcallCommandProblems(value.split(/\s+/).map((w) => (w.endsWith('/lastcall') ? 'lastcall' : w))),
    );
  return problems;
}
