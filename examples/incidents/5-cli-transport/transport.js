// Business code shared by both variants: one turn over the stream-json transport. The reader stops
// at the turn's result and pauses the stream until the next turn, so the transcript the CLI writes
// after the result fills the pipe and blocks the CLI.
export const cliPath = new URL('./fake-cli.js', import.meta.url).pathname;

export function runTurn(stdin, stdout, text) {
  stdin.write(`${JSON.stringify({ type: 'user', text })}\n`);
  return new Promise((resolve, reject) => {
    const records = [];
    let buffered = '';
    const onData = (chunk) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const record = JSON.parse(line);
        records.push(record);
        if (record.type !== 'result') continue;
        stdout.off('data', onData).off('end', onEnd).pause(); // the reader stops pulling
        return resolve(records);
      }
    };
    const onEnd = () => reject(new Error('the CLI closed its stdout mid-turn'));
    stdout.setEncoding('utf8').on('data', onData).on('end', onEnd);
  });
}
