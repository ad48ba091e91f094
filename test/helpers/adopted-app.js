// Runs an unmodified app fixture (test/fixtures/auto/) under keep-alive load, SIGTERMs it, and
// counts what the load lost: with lastcall/auto preloaded or without.
import { startFixture } from './fixture.js';
import { startLoad } from './load.js';

/**
 * `preload`: 'import' (NODE_OPTIONS=--import lastcall/auto), 'require' (-r lastcall/auto) or none.
 * Resolves { exit, load, fixture, hung } once the app exited, or after `capMs` (then SIGKILLed: hung).
 */
export async function runUnderLoad(app, { preload, env = {}, clients = 20, path = '/work/20', capMs = 8000 } = {}) {
  const nodeOptions = preload ? `--${preload} lastcall/auto` : '';
  const fixture = await startFixture(`auto/${app}`, {
    env: { NODE_OPTIONS: nodeOptions, LASTCALL_DEADLINE_MS: '5000', ...env },
    readyTimeoutMs: 20_000,
  });
  const port = Number(/^READY (\d+)$/m.exec(fixture.stdout)[1]);
  const load = startLoad(port, { clients, path });
  await load.warm();
  load.stopping();
  fixture.child.kill('SIGTERM');
  let timer;
  const capped = new Promise((resolve) => (timer = setTimeout(resolve, capMs, 'hung')));
  const exit = await Promise.race([fixture.exited, capped]);
  clearTimeout(timer);
  const hung = exit === 'hung';
  if (hung) fixture.child.kill('SIGKILL');
  const counts = await load.stop();
  return { exit: hung ? await fixture.exited : exit, hung, load: counts, fixture };
}
