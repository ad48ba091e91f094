// The gateway as it ran in production: a hand-rolled PID file ("exists = running"), and a shutdown
// that notifies and disconnects each platform in turn, without a bound. One wedged platform holds it
// until the service manager's SIGKILL; the PID file stays and the next start is refused.
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';

import { connectAll } from './adapters.js';

const pidPath = process.env.PID_FILE;
if (existsSync(pidPath)) {
  console.error(`gateway already running (pid ${readFileSync(pidPath, 'utf8').trim()}, ${pidPath})`);
  process.exit(1);
}
writeFileSync(pidPath, `${process.pid}\n`);
const adapters = await connectAll(process.env.PLATFORMS);

process.on('SIGTERM', async () => {
  for (const adapter of adapters) {
    await adapter.notify('The assistant is restarting, back in a minute.');
    await adapter.disconnect();
  }
  unlinkSync(pidPath);
  process.exit(0);
});
console.log('READY');
