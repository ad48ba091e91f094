// The same gateway with lastcall: the PID file is checked against the live process, each platform is a
// bounded step (notice in drain, disconnect in close), all platforms at once: one wedged platform
// costs its timeout, not the sum. The PID file is removed in the finish phase.
import { createLifecycle } from 'lastcall';
import { acquirePidFile } from 'lastcall/pidfile';

import { connectAll } from './adapters.js';

const life = createLifecycle({ deadlineMs: Number(process.env.DEADLINE_MS ?? 25_000) });
life.add('pidfile', await acquirePidFile(process.env.PID_FILE)); // ERR_PIDFILE_HELD if one is running
for (const adapter of await connectAll(process.env.PLATFORMS)) {
  life.add(
    adapter.name,
    {
      drain: (signal) => adapter.notify('The assistant is restarting, back in a minute.', signal),
      close: (signal) => adapter.disconnect(signal),
    },
    { timeoutMs: Number(process.env.STEP_TIMEOUT_MS ?? 5000) },
  );
}
life.on('closed', (report) => {
  // Phase time: from the first step of a phase starting to the last one ending.
  const span = (phase) => {
    const steps = report.steps.filter((step) => step.phase === phase);
    return Math.max(...steps.map((s) => s.startMs + s.durationMs)) - Math.min(...steps.map((s) => s.startMs));
  };
  console.log(`PHASES drain=${Math.round(span('drain'))} close=${Math.round(span('close'))}`);
});
await life.start();
console.log('READY');
