// Business code shared by both variants: a voice-agent session and the four things it must close.
// Each close takes an optional AbortSignal; without one, a peer that never answers holds it forever.
import { EventEmitter, once } from 'node:events';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import WebSocket from 'ws';

const aborted = (signal) =>
  new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));

/** Audio still queued for the caller; close() plays it out. */
function createPlayout() {
  return { close: () => delay(40) };
}

/** Writes the call to `<dir>/recording.part`; close() finalizes it as recording.wav. */
function createRecorder(dir) {
  const part = path.join(dir, 'recording.part');
  writeFileSync(part, 'RIFF');
  return {
    write: (frame) => appendFileSync(part, frame),
    close: async () => {
      await delay(30);
      renameSync(part, path.join(dir, 'recording.wav'));
    },
  };
}

async function connectRoom(url) {
  const ws = new WebSocket(url);
  await once(ws, 'open');
  return {
    close: async (signal) => {
      const closed = once(ws, 'close');
      ws.close(1000, 'session ended');
      await Promise.race([closed, aborted(signal)]);
    },
  };
}

async function connectTools(port) {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return {
    /** Asks the tool server to shut down and waits for its acknowledgement. */
    close: async (signal) => {
      socket.write(`${JSON.stringify({ id: 1, method: 'shutdown' })}\n`);
      try {
        await Promise.race([once(socket, 'data'), aborted(signal)]);
      } catch {
        socket.destroy();
        throw new Error('tool server never acknowledged the shutdown');
      }
    },
  };
}

export async function openSession({ roomUrl, toolsPort, dir }) {
  const session = new EventEmitter();
  session.recorder = createRecorder(dir);
  session.playout = createPlayout();
  session.room = await connectRoom(roomUrl);
  session.tools = await connectTools(toolsPort);
  session.recorder.write('caller: hello');
  return session;
}

/** What must run once the session closed (the call summary): downstream of the 'close' event. */
export function onSessionClosed(dir) {
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ closedAt: new Date().toISOString() }));
  console.log('CLOSE-FIRED');
}
