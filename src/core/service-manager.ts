/** PM2's default `kill_timeout`: SIGKILL this long after its stop signal. */
const PM2_DEFAULT_KILL_TIMEOUT_MS = 1600;

/**
 * A service manager that SIGKILLs before lastcall's deadline cuts the shutdown with no report. PM2
 * exposes its settings in the environment (`pm_id`, `kill_timeout`): returns the warning to give
 * once at createLifecycle(), while there is time to fix the configuration.
 */
export function serviceManagerWarning(deadlineMs: number, env: NodeJS.ProcessEnv): string | undefined {
  if (env.pm_id === undefined) return undefined;
  const given = Number(env.kill_timeout);
  const killTimeoutMs = env.kill_timeout && Number.isFinite(given) && given > 0 ? given : PM2_DEFAULT_KILL_TIMEOUT_MS;
  if (deadlineMs < killTimeoutMs) return undefined;
  return (
    `running under PM2, whose kill_timeout (${killTimeoutMs} ms) is shorter than the shutdown deadline ` +
    `(${deadlineMs} ms): PM2 will SIGKILL this process mid-shutdown. Set kill_timeout above the ` +
    `deadline in the ecosystem file (e.g. ${deadlineMs + 5000}), or lower deadlineMs.`
  );
}
