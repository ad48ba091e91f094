import { StringDecoder } from 'node:string_decoder';

/** The longest partial line kept: a child printing one endless line must not grow our memory. */
const MAX_PARTIAL_CHARS = 64 * 1024;

/**
 * Calls `onLine` for every complete line (without its `\n` or `\r\n`) read from `stream`, whether
 * it yields Buffers or strings. Returns a function that stops listening.
 */
export function onLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): () => void {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const onData = (chunk: Buffer | string): void => {
    const lines = (partial + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split('\n');
    partial = (lines.pop() ?? '').slice(-MAX_PARTIAL_CHARS);
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  };
  stream.on('data', onData);
  return () => void stream.off('data', onData);
}

/** `text` as a RegExp source that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
