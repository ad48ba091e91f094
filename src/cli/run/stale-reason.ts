/** What each stale reason of lastcall/pidfile means, for `run --pidfile`'s takeover line. */
const MEANING: Record<string, string> = {
  dead: 'that process is gone',
  'pid-reused': 'that PID now belongs to another process (its start time or command differs)',
  rebooted: 'it was written in an earlier boot of this machine (boot id differs)',
  'previous-boot': 'it was written before this machine last booted',
  'pid-namespace-gone': 'the container (PID namespace) that wrote it is gone',
  'pid-namespace-restarted': 'it was written before this container restarted',
  'lease-expired': 'its holder, in another container or on another host, stopped refreshing it',
};

/** `dead` → `(dead): that process is gone`; an unknown reason stands alone. */
export function describeStaleReason(reason: string): string {
  const meaning = MEANING[reason];
  return meaning === undefined ? `(${reason})` : `(${reason}): ${meaning}`;
}
