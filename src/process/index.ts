export { type ClosedProcess, type CloseResult, type Escalation, type ExitInfo } from './close-sequence.js';
export { getGuardianPid } from './guardian.js';
export { type SendOptions } from './ipc-send.js';
export { killTree, type KillTreeOptions, type KillTreeResult } from './kill-tree.js';
export { type SignalledTargets } from './signal-tree.js';
export { type ListenFd } from './listen-fds.js';
export { type HeldSocket, holdListeningSockets, type ListenAddress, removeSocketFiles } from './listen-sockets.js';
export { ManagedChild, type PipedManagedChild, spawnManaged } from './managed-child.js';
export { type SpawnManagedOptions } from './spawn-options.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { type ReadinessOptions, type RestartPolicy, type SuperviseOptions } from './supervise-options.js';
export {
  type ChildFactory,
  supervise,
  Supervisor,
  type SupervisorEvents,
  type SupervisorExit,
  type SupervisorState,
} from './supervisor.js';
export { createTreeMarker, guardGroup, TreeWatch, watchTree, type WatchedProcess } from './tree-watch.js';
