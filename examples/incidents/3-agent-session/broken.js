// The session as it ran in production: close() awaits each step in turn, with no bound. The tool
// server never acknowledges, so 'close' never fires and nothing downstream of it runs.
import { onSessionClosed, openSession } from './session.js';

const dir = process.env.SESSION_DIR;
const session = await openSession({ roomUrl: process.env.ROOM_URL, toolsPort: Number(process.env.TOOLS_PORT), dir });
session.close = async () => {
  for (const step of [session.playout, session.tools, session.recorder, session.room]) await step.close();
  session.emit('close');
};
session.once('close', () => onSessionClosed(dir));

process.on('SIGTERM', async () => {
  await session.close();
  process.exit(0);
});
console.log('READY');
