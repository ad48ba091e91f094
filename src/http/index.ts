import './adapter.js';
export { type AnyHttpServer, httpServer, type HttpServerHandle, type HttpServerOptions } from './http-server.js';
export { type InheritedSocket, inheritedSockets } from './inherited-sockets.js';
export { type ProbeLifecycle, type ProbePaths, probes, type Probes, type ProbesOptions } from './probes.js';
export { type ProbeHandler, type ProbeHandlerOptions } from './probe-handler.js';
export {
  type HealthCheck,
  type HealthCheckFunction,
  type HealthCheckOptions,
  type HealthCheckResult,
  type HealthCheckSpec,
} from './health-checks.js';
