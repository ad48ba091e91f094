import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { type HooksProvider, type Lifecycle, lifecycleHooks, type ResourceHooks } from '../core/types.js';
import { AbortedError, InvalidOptionError } from '../errors.js';
import { validateOptions, validateSignal, validateString } from '../internal/validate.js';
import { createProbeHandler, HANDLER_OPTIONS, type ProbeHandlerOptions, validateLifecycle } from './probe-handler.js';

export type { ProbeLifecycle, ProbePaths } from './probe-handler.js';

export interface ProbesOptions extends ProbeHandlerOptions {
  /** Port to listen on (0: any free port, see `probe.port`). Required. */
  port: number;
  /** Default '127.0.0.1'. In Kubernetes the kubelet probes the pod IP: use '0.0.0.0' there. */
  host?: string;
  /** Name of the step the probe server is added to `life` as. Default 'probes'. */
  name?: string;
  /** Aborts listening. */
  signal?: AbortSignal;
}

export interface Probes extends HooksProvider, AsyncDisposable {
  readonly server: http.Server;
  readonly port: number;
  readonly host: string;
  /** Stops the probe server; idempotent. The lifecycle calls it in its finish phase. */
  close(): Promise<void>;
}

const OPTIONS = ['port', 'host', 'name', 'signal', ...HANDLER_OPTIONS] as const;

/**
 * Starts a tiny probe server (liveness, readiness, startup) and adds it to `life` as a step that
 * closes in the finish phase, after every other step: liveness answers until the very end.
 */
export async function probes(life: Lifecycle, options: ProbesOptions): Promise<Probes> {
  validateLifecycle(life);
  if (typeof (life as Partial<Lifecycle>).add !== 'function') {
    throw new InvalidOptionError('life', 'a lifecycle from createLifecycle()', life);
  }
  validateOptions(options, OPTIONS, 'probes()');
  validatePort(options?.port);
  const host = options.host ?? '127.0.0.1';
  validateString('host', host);
  const name = options.name ?? 'probes';
  validateString('name', name);
  validateSignal('signal', options.signal);
  const { paths, checks, checkTimeoutMs, checkIntervalMs } = options;
  const handler = createProbeHandler(life, { paths, checks, checkTimeoutMs, checkIntervalMs } as ProbeHandlerOptions);

  const server = http.createServer((req, res) => {
    if (!handler(req, res)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  server.keepAliveTimeout = 1000;
  await listen(server, options.port, host, options.signal);

  let closed: Promise<void> | undefined;
  const probe: Probes = {
    server,
    port: (server.address() as AddressInfo).port,
    host,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
    [lifecycleHooks](): ResourceHooks {
      return { finish: () => probe.close() };
    },
    [Symbol.asyncDispose]() {
      return probe.close();
    },
  };
  try {
    life.add(name, probe);
  } catch (error) {
    await probe.close();
    throw error;
  }
  return probe;
}

probes.handler = createProbeHandler;

function validatePort(port: unknown): asserts port is number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidOptionError('port', 'an integer from 0 to 65535', port);
  }
}

function listen(server: http.Server, port: number, host: string, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = (): void => {
      server.off('error', onError);
      server.close();
      reject(new AbortedError('Probe server listen', signal?.reason));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
