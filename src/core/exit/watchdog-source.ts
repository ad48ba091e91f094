import { setLongTimeout } from '../../internal/long-timer.js';

// A WebAssembly module importing WASI's proc_exit: with returnOnExit false, proc_exit is C exit(),
// which ends the whole process from this thread. It is the one exit that also holds for a PID 1
// stuck in a system call, where a self-sent SIGKILL is ignored by the kernel.
const HARD_EXIT = `
function hardExit(code) {
  try {
    const { WASI } = require('node:wasi');
    const name = (s) => [s.length, ...Buffer.from(s)];
    const wasm = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 2, 96, 1, 127, 0, 96, 0, 0,
      2, 36, 1, ...name('wasi_snapshot_preview1'), ...name('proc_exit'), 0, 0, 3, 2, 1, 1, 5, 3, 1, 0, 1,
      7, 19, 2, ...name('memory'), 2, 0, ...name('_start'), 0, 1, 10, 4, 1, 2, 0, 11]);
    const wasi = new WASI({ version: 'preview1', returnOnExit: false });
    wasi.start(new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject()));
    wasi.wasiImport.proc_exit(code);
  } catch {}
  process.kill(process.pid, 'SIGKILL');
}`;

// Runs on its own thread, so it fires even while the main thread spins or waits in a sync call.
// It first asks V8 (through an inspector session, which interrupts running JavaScript) to run
// process.exit on the main thread, so 'exit' listeners such as PID-file removal still run; a main
// thread stuck inside a system call cannot be interrupted, so the hard exit follows after a grace.
// The hard exit is armed before the line is written: no write (EPIPE, EAGAIN) can stop it.
export const WATCHDOG_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { state, killGraceMs, headerBytes } = workerData;
let deadlineMs = 0;
const flags = new Int32Array(state, 0, 4);
const bytes = new Uint8Array(state, headerBytes);
process.emitWarning = () => {};
${setLongTimeout.toString()}
${HARD_EXIT}
function describe(mode, code) {
  if (mode === 2) {
    return 'shutdown finished (exit ' + code + ') but the process had not exited by the deadline of ' +
      deadlineMs + ' ms (logs or onReport still pending); exiting with code ' + code;
  }
  const text = new TextDecoder().decode(bytes.subarray(0, Atomics.load(flags, 1)));
  const shown = text.split('\\n').filter(Boolean);
  const more = Atomics.load(flags, 2) - shown.length;
  const running = (shown.join(', ') || 'none') + (more > 0 ? ' and ' + more + ' more' : '');
  return 'deadline of ' + deadlineMs + ' ms exceeded and the event loop is not responding; ' +
    'still running: ' + running + '; exiting with code ' + code;
}
function fire() {
  const mode = Atomics.load(flags, 0);
  if (mode === 1) return;
  const code = Atomics.load(flags, 3);
  setTimeout(() => hardExit(code), killGraceMs);
  try {
    writeSync(2, 'lastcall: ' + describe(mode, code) + '\\n');
  } catch {}
  try {
    const { Session } = require('node:inspector');
    const session = new Session();
    session.connectToMainThread();
    // The last 'exit' listener closes stderr: with this session still connected, Node's teardown
    // would print "Waiting for the debugger to disconnect...", a misleading last line.
    const closeStderr = 'process.once("exit", function () { try { (process.getBuiltinModule ? ' +
      'process.getBuiltinModule("node:fs") : require("node:fs")).closeSync(2); } catch (e) {} });';
    // The real process.exit: while a shutdown runs, process.exit is the deferring one (exit-guard.ts).
    const exit = '(globalThis[Symbol.for("lastcall.v1.exit-guard")]?.exit || process.exit).call(process, ' + code + ')';
    session.post('Runtime.evaluate', { expression: closeStderr + exit });
  } catch {}
}
// Parked until shutdown arms it; the listener keeps the thread alive until then, the timer after.
parentPort.once('message', (armed) => {
  deadlineMs = armed.deadlineMs;
  setLongTimeout(fire, Math.max(0, armed.dueAt - Date.now()), true);
});
`;
