import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// `at fn (file:///app/server.js:12:5)`, `at /app/server.js:12:5`, `at async fn (/app/x.js:3:1)`
const FRAME = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?$/;

/**
 * Where the code that called `above` lives, as `path:line` relative to the working directory
 * (absolute outside it): the first stack frame below `above` that is not Node's own. A cheap stack
 * capture, no inspector; undefined when no frame can be read.
 */
export function callerLocation(above: (...args: never[]) => unknown): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 12;
  try {
    Error.captureStackTrace(holder, above);
  } finally {
    Error.stackTraceLimit = limit;
  }
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    const match = FRAME.exec(line.trim());
    if (!match?.[1] || match[1].startsWith('node:')) continue;
    return `${displayPath(match[1])}:${match[2]}`;
  }
  return undefined;
}

function displayPath(file: string): string {
  let path = file;
  try {
    if (file.startsWith('file://')) path = fileURLToPath(file);
  } catch {
    return file;
  }
  if (!isAbsolute(path)) return path;
  const inside = relative(process.cwd(), path);
  return inside.startsWith('..') ? path : inside;
}
