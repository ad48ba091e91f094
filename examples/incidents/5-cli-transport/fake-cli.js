// The peer: an agent CLI speaking stream-json. It starts a tool server (a helper process), answers
// each user message on stdin with records on stdout: the answer, the result, then the session
// transcript (1 MB). It exits on stdin EOF. Like most CLIs it writes stdout with blocking write(2)
// calls: if nobody reads, the write blocks and its SIGTERM handler can never run. Only SIGKILL ends it.
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';

spawn('sleep', ['600'], { stdio: 'ignore' }); // the tool server it drives
const emit = (record) => writeSync(1, `${JSON.stringify(record)}\n`);
process.on('SIGTERM', () => {
  emit({ type: 'system', subtype: 'terminated' });
  process.exit(143);
});
emit({ type: 'system', subtype: 'init', tools: ['search'] });

for await (const line of createInterface({ input: process.stdin })) {
  const message = JSON.parse(line);
  for (let i = 0; i < 3; i++) emit({ type: 'assistant', text: `part ${i} of the answer to: ${message.text}` });
  emit({ type: 'result', subtype: 'success' });
  emit({ type: 'transcript', text: 'x'.repeat(1 << 20) }); // blocks here once the reader stopped
}
process.exit(0);
