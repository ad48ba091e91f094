// Static checks for the files a deployment is made of (Dockerfiles, systemd units), shared by the
// snippet test (docs) and the examples/deploy test: they parse, and they fit together.
import { existsSync } from 'node:fs';
import path from 'node:path';

const KEYWORDS = new Set([
  'FROM',
  'RUN',
  'CMD',
  'LABEL',
  'EXPOSE',
  'ENV',
  'ADD',
  'COPY',
  'ENTRYPOINT',
  'VOLUME',
  'USER',
  'WORKDIR',
  'ARG',
  'ONBUILD',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
]);

/** What a base image provides on its PATH (the official images' contents, checked by hand). */
const BASE_IMAGES = [
  [/^node:\d+(\.\d+)*(-(bookworm|bullseye))?-slim$/, ['sh', 'grep', 'node', 'npm', 'npx']],
  [/^node:\d+(\.\d+)*(-(bookworm|bullseye))?$/, ['sh', 'grep', 'node', 'npm', 'npx', 'python3', 'git']],
  [/^node:\d+(\.\d+)*-alpine[\d.]*$/, ['sh', 'grep', 'node', 'npm', 'npx']],
  [/^python:3[\d.]*(-slim)?(-(bookworm|bullseye))?$/, ['sh', 'grep', 'python3', 'python', 'pip']],
  [/^(debian|ubuntu):/, ['sh', 'grep']],
];

/** Dockerfile instructions as { keyword, argument, line }, continuation lines joined, comments dropped. */
export function dockerInstructions(text) {
  const result = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let current = lines[i].trim();
    while (current.endsWith('\\') && i + 1 < lines.length) current = `${current.slice(0, -1)} ${lines[++i].trim()}`;
    if (current === '' || current.startsWith('#')) continue;
    const keyword = current.split(/\s+/)[0];
    result.push({ keyword: keyword.toUpperCase(), argument: current.slice(keyword.length).trim(), line });
  }
  return result;
}

/** The exec-form array of a CMD/ENTRYPOINT, or undefined for shell form. Throws on a malformed array. */
function execForm({ keyword, argument, line }) {
  if (!argument.startsWith('[')) return undefined;
  const parsed = JSON.parse(argument);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`line ${line}: ${keyword} must be an array of strings`);
  return parsed;
}

/**
 * Problems of a Dockerfile: unknown instructions, malformed exec forms; for a complete one (not
 * `fragment`) also a missing or unknown FROM, programs the container runs that its image lacks, and
 * (with `context`, a directory) COPY/ADD sources missing from the build context.
 * Returns { problems, from, user, argv }.
 */
export function checkDockerfile(text, { fragment = false, context } = {}) {
  const problems = [];
  const list = dockerInstructions(text);
  const launch = {};
  let from;
  let user;
  const tools = new Set();
  for (const instruction of list) {
    const { keyword, argument, line } = instruction;
    if (!KEYWORDS.has(keyword)) problems.push(`line ${line}: unknown instruction ${keyword}`);
    if (keyword === 'FROM') from = argument.split(/\s+/)[0];
    if (keyword === 'USER') user = argument;
    if (keyword === 'CMD' || keyword === 'ENTRYPOINT') {
      try {
        launch[keyword] = execForm(instruction) ?? ['/bin/sh', '-c', argument];
      } catch (error) {
        problems.push(`line ${line}: ${keyword} ${error.message}`);
      }
    }
    if (keyword === 'RUN') for (const tool of installedBy(argument)) tools.add(tool);
    if (keyword === 'COPY' || keyword === 'ADD') {
      const args = argument.startsWith('[')
        ? JSON.parse(argument)
        : argument.split(/\s+/).filter((a) => !a.startsWith('--'));
      const flags = argument.split(/\s+/).filter((a) => a.startsWith('--'));
      const destination = args.at(-1);
      if (destination?.startsWith('/') && !destination.endsWith('/')) tools.add(destination);
      if (context && !flags.some((f) => f.startsWith('--from'))) {
        for (const source of args.slice(0, -1)) {
          if (!existsSync(path.join(context, source)))
            problems.push(`line ${line}: ${keyword} source ${source} is not in the build context ${context}`);
        }
      }
    }
  }
  const argv = [...(launch.ENTRYPOINT ?? []), ...(launch.CMD ?? [])];
  if (!fragment) {
    const image = BASE_IMAGES.find(([pattern]) => pattern.test(from ?? ''));
    if (!from) problems.push('no FROM');
    else if (!image)
      problems.push(`FROM ${from}: not in the table of known base images (test/helpers/deploy-files.js)`);
    else for (const tool of image[1]) tools.add(tool);
    if (image) {
      for (const program of programsRun(argv)) {
        if (!tools.has(program) && !tools.has(path.basename(program)))
          problems.push(`runs ${program}, which ${from} does not have and no RUN installs`);
      }
    }
  }
  return { problems, from, user, argv };
}

/** Programs an argv starts: its first element, the command after `--` (lastcall run, tini), and `"$@"` of an sh -c wrapper. */
export function programsRun(argv) {
  if (argv.length === 0) return [];
  const programs = [argv[0]];
  if (/(^|\/)(ba|da)?sh$/.test(argv[0]) && argv[1] === '-c' && argv[2]?.includes('"$@"') && argv[4])
    programs.push(argv[4]);
  argv.forEach((arg, i) => arg === '--' && argv[i + 1] && programs.push(argv[i + 1]));
  return programs;
}

/** Tools a RUN line installs: apt-get/apk packages (by package name) and npm -g packages' binaries. */
function installedBy(command) {
  const tools = [];
  for (const part of command.split(/&&|;/)) {
    const words = part.trim().split(/\s+/);
    if (/^(apt-get|apt|apk)$/.test(words[0]) && /^(install|add)$/.test(words[1]))
      tools.push(...words.slice(2).filter((w) => !w.startsWith('-')));
    if (words[0] === 'npm' && /^(install|i)$/.test(words[1]) && (words.includes('-g') || words.includes('--global'))) {
      for (const spec of words.slice(2).filter((w) => !w.startsWith('-')))
        if (/(^|\/)lastcall(@|-\d|$)/.test(spec)) tools.push('lastcall');
    }
  }
  return tools;
}

/** A systemd unit as { sections: { Service: { Key: [values] } }, problems }. */
export function parseUnit(text) {
  const sections = {};
  const problems = [];
  let current;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i].trim()}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[([A-Za-z]+)\]$/.exec(line);
    if (section) {
      current = sections[section[1]] ??= {};
      if (!['Unit', 'Service', 'Install', 'Socket', 'Timer'].includes(section[1]))
        problems.push(`line ${i + 1}: unknown section [${section[1]}]`);
      continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!entry) problems.push(`line ${i + 1}: neither [Section] nor Key=Value: ${line}`);
    else if (!current) problems.push(`line ${i + 1}: ${entry[1]}= before any [Section]`);
    else (current[entry[1]] ??= []).push(entry[2].replace(/\s+#.*$/, '').trim());
  }
  return { sections, problems };
}

/**
 * Problems of a systemd unit; a complete one (not `fragment`) runs an absolute program as a named
 * User=, and lastcall from /usr/local/bin, the path the docs explain.
 */
export function checkUnit(text, { fragment = false } = {}) {
  const { sections, problems } = parseUnit(text);
  if (fragment) return { sections, problems };
  const service = sections.Service;
  const exec = service?.ExecStart?.[0];
  if (!exec) return { sections, problems: [...problems, 'no [Service] ExecStart='] };
  const program = exec.replace(/^[-@:+!]+/, '').split(/\s+/)[0];
  if (!program.startsWith('/')) problems.push(`ExecStart= runs ${program}: give the absolute path`);
  // The docs use one path, where npm install -g links it for Node's own builds; they explain the others.
  if (path.basename(program) === 'lastcall' && program !== '/usr/local/bin/lastcall')
    problems.push(
      `ExecStart= runs ${program}: the docs' recipes use /usr/local/bin/lastcall (npm prefix -g of Node's own builds) and say how to find yours`,
    );
  if (!service.User?.[0]) problems.push('no User=: the service would run as root');
  return { sections, problems };
}
