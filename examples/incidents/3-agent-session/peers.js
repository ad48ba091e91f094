// The peers a voice-agent session talks to: a room server (WebSocket) and a tool server (line-delimited
// JSON over TCP) that answers calls but never acknowledges a shutdown request: the step that hangs.
import { once } from 'node:events';
import net from 'node:net';

import { WebSocketServer } from 'ws';

export async function startPeers() {
  const room = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(room, 'listening');
  room.on('connection', (ws) => ws.on('message', (data) => ws.send(`ack ${data}`)));

  const sockets = new Set();
  const tools = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    socket.setEncoding('utf8').on('data', (chunk) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const { id, method } = JSON.parse(line);
        if (method !== 'shutdown') socket.write(`${JSON.stringify({ id, result: 'ok' })}\n`);
      }
    });
  });
  tools.listen(0, '127.0.0.1');
  await once(tools, 'listening');

  return {
    env: { ROOM_URL: `ws://127.0.0.1:${room.address().port}`, TOOLS_PORT: String(tools.address().port) },
    close() {
      for (const client of room.clients) client.terminate();
      room.close();
      for (const socket of sockets) socket.destroy();
      tools.close();
    },
  };
}
