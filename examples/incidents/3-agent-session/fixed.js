// The same session with lastcall: every close is a bounded step, independent ones run concurrently,
// 'closed' fires exactly once within the deadline and names the hung step; its late failure is logged.
import { createLifecycle } from 'lastcall';

import { onSessionClosed, openSession } from './session.js';

const dir = process.env.SESSION_DIR;
const session = await openSession({ roomUrl: process.env.ROOM_URL, toolsPort: Number(process.env.TOOLS_PORT), dir });
const life = createLifecycle({ deadlineMs: Number(process.env.DEADLINE_MS ?? 25_000), stepTimeoutMs: 1000 });
life.add('room', session.room);
life.add('recorder', { close: () => session.recorder.close() }); // { write, close } is not a hooks object
life.add('tools', session.tools, { timeoutMs: 500 });
life.add('playout', session.playout, { dependsOn: ['room'] }); // audio goes out before the room closes
life.on('closed', (report) => {
  const hung = report.steps.filter((step) => step.status === 'timed-out').map((step) => step.name);
  console.log(`HUNG ${hung.join(',') || '-'}`);
  onSessionClosed(dir);
});
await life.start();
console.log('READY');
