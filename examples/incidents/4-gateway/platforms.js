// The peers: four fake chat platforms, each a WebSocket server that acknowledges every message after
// its own latency. `wedge(name)` makes one stop reading its sockets: it never answers again, not even
// the WebSocket closing handshake.
import { once } from 'node:events';

import { WebSocketServer } from 'ws';

const LATENCY_MS = { chatwave: 20, relaynet: 150, threadly: 250, pagerchat: 50 };

export async function startPlatforms() {
  const platforms = {};
  const noticed = new Set(); // platforms whose users got the shutdown notice
  const wedged = new Set();
  for (const [name, latencyMs] of Object.entries(LATENCY_MS)) {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const sockets = new Set();
    wss.on('connection', (ws, req) => {
      sockets.add(req.socket);
      ws.on('message', (data) => {
        const { id, type } = JSON.parse(data);
        if (type === 'notice') noticed.add(name);
        setTimeout(() => ws.send(JSON.stringify({ type: 'ack', id })), latencyMs);
      });
    });
    platforms[name] = { wss, sockets, url: `ws://127.0.0.1:${wss.address().port}` };
  }
  return {
    /** PLATFORMS=name=url,… for the gateway. */
    env: {
      PLATFORMS: Object.entries(platforms)
        .map(([name, p]) => `${name}=${p.url}`)
        .join(','),
    },
    noticesDelivered: () => noticed.size,
    /** Why each platform without the notice lacks it: wedged (it reads nothing, no code can reach it) or never sent. */
    noticesMissed: () =>
      Object.keys(platforms)
        .filter((name) => !noticed.has(name))
        .map((name) => ({ name, why: wedged.has(name) ? 'wedged' : 'never sent' })),
    count: Object.keys(LATENCY_MS).length,
    wedge(name) {
      wedged.add(name);
      for (const socket of platforms[name].sockets) socket.pause();
    },
    close() {
      for (const { wss, sockets } of Object.values(platforms)) {
        for (const socket of sockets) socket.destroy();
        wss.close();
      }
    },
  };
}
