// The service the deployment recipes run: an HTTP server drained by lastcall, probes on their own
// port. PORT (default 8080) and PROBES_PORT (default 9000); 0 picks a free port (tests). Under
// systemd (myapp.service) RUNTIME_DIRECTORY is set and the service holds myapp.pid there, the file
// the unit's PIDFile= names; a container needs none.
import { once } from 'node:events';
import http from 'node:http';
import path from 'node:path';

import { createLifecycle } from 'lastcall';
import { httpServer, probes } from 'lastcall/http';
import { acquirePidFile } from 'lastcall/pidfile';

const life = createLifecycle({ deadlineMs: 25_000 });
const runtimeDirectory = process.env.RUNTIME_DIRECTORY?.split(':')[0];
// Throws ERR_PIDFILE_HELD if an instance is running; removed in the finish phase.
if (runtimeDirectory) life.add('pidfile', await acquirePidFile(path.join(runtimeDirectory, 'myapp.pid')));
const server = http.createServer((req, res) => res.end('hello\n'));
life.add('http', httpServer(server));
// Adds itself to life; closes in the finish phase, so liveness answers until the very end.
const probe = await probes(life, { port: Number(process.env.PROBES_PORT ?? 9000), host: '0.0.0.0' });

await once(server.listen(Number(process.env.PORT ?? 8080), '0.0.0.0'), 'listening');
await life.start();
console.log(`READY http=${server.address().port} probes=${probe.port}`);
