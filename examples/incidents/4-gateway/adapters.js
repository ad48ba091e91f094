// Business code shared by both variants: one adapter per chat platform. notify() sends a message to
// the platform's users and waits for its acknowledgement; disconnect() runs the WebSocket closing
// handshake. Both take an optional AbortSignal; without one they wait as long as the platform does.
import { once } from 'node:events';

import WebSocket from 'ws';

const aborted = (signal) =>
  new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));

export async function connectAdapter(name, url) {
  const ws = new WebSocket(url);
  await once(ws, 'open');
  let nextId = 1;
  return {
    name,
    async notify(text, signal) {
      const id = nextId++;
      const acked = new Promise((resolve) => {
        const onMessage = (data) => {
          if (JSON.parse(data).id !== id) return;
          ws.off('message', onMessage);
          resolve();
        };
        ws.on('message', onMessage);
      });
      ws.send(JSON.stringify({ type: 'notice', id, text }));
      await Promise.race([acked, aborted(signal)]);
    },
    async disconnect(signal) {
      const closed = once(ws, 'close');
      ws.close(1001, 'gateway going away');
      try {
        await Promise.race([closed, aborted(signal)]);
      } catch (error) {
        ws.terminate();
        throw error;
      }
    },
  };
}

/** PLATFORMS=name=url,… → connected adapters. */
export function connectAll(spec) {
  return Promise.all(spec.split(',').map((entry) => connectAdapter(...entry.split('='))));
}
