import { InvalidOptionError } from '../errors.js';

/** What a step is, which decides when it closes when no `dependsOn` says otherwise. */
export type StepKind = 'server' | 'consumer' | 'client' | 'telemetry' | 'other';

export const STEP_KINDS: readonly StepKind[] = ['server', 'consumer', 'other', 'client', 'telemetry'];

/** Close order without `dependsOn`: intake first, then what it used, telemetry last. */
export const KIND_TIER: Readonly<Record<StepKind, number>> = {
  server: 0,
  consumer: 0,
  other: 1,
  client: 2,
  telemetry: 3,
};

/** lastcall's own resources (httpServer(), managed children) say what they are through this symbol. */
export const stepKind: unique symbol = Symbol.for('lastcall.kind') as never;

export function validateKind(value: unknown): asserts value is StepKind {
  if (typeof value !== 'string' || !(STEP_KINDS as readonly string[]).includes(value)) {
    throw new InvalidOptionError('kind', `one of ${STEP_KINDS.map((kind) => `"${kind}"`).join(', ')}`, value);
  }
}

type Shape = Record<PropertyKey, unknown>;
const fn = (object: Shape, ...names: string[]): boolean => names.every((name) => typeof object[name] === 'function');
/** A Node net/http/https/http2 server: listen, close, address and getConnections. */
const isNodeServer = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && fn(value as Shape, 'listen', 'close', 'address', 'getConnections');

/**
 * Recognisers by shape, never `instanceof` of a package lastcall does not import. First match wins;
 * telemetry comes first (a Sentry client also has close()), then intake, then what work uses.
 */
const RECOGNISERS: readonly (readonly [StepKind, string, (object: Shape) => boolean])[] = [
  ['telemetry', 'OpenTelemetry provider/processor/exporter', (o) => fn(o, 'forceFlush', 'shutdown')],
  ['telemetry', 'Sentry client or SDK', (o) => fn(o, 'flush', 'close', 'captureException')],
  ['telemetry', 'pino logger', (o) => fn(o, 'flush', 'child', 'info', 'error')],
  ['server', 'net/http/https/http2 server', isNodeServer],
  ['server', 'Fastify instance', (o) => fn(o, 'inject', 'register', 'close') && isNodeServer(o.server)],
  ['server', 'ws WebSocketServer', (o) => fn(o, 'handleUpgrade', 'close') && o.clients instanceof Set],
  [
    'server',
    'socket.io Server',
    (o) => fn(o, 'of', 'close') && typeof o.engine === 'object' && typeof o.sockets === 'object',
  ],
  ['server', 'gRPC server', (o) => fn(o, 'tryShutdown', 'forceShutdown', 'bindAsync')],
  // BullMQ Worker, KafkaJS consumer, a poll loop of the app's: it pauses, resumes and runs.
  ['consumer', 'consumer (pause/resume/run)', (o) => fn(o, 'pause', 'resume', 'run')],
  [
    'client',
    'pg Pool/Client, mysql',
    (o) => fn(o, 'query', 'connect', 'end') || fn(o, 'query', 'getConnection', 'end'),
  ],
  ['client', 'Redis client (ioredis, node-redis)', (o) => fn(o, 'sendCommand') && (fn(o, 'quit') || fn(o, 'close'))],
  ['client', 'MongoDB client, mongoose', (o) => fn(o, 'db', 'close', 'connect') || fn(o, 'model', 'disconnect')],
  ['client', 'Prisma client', (o) => fn(o, '$connect', '$disconnect')],
  ['client', 'knex', (o) => fn(o, 'destroy', 'raw', 'transaction')],
  ['client', 'undici Pool/Agent', (o) => fn(o, 'dispatch', 'close', 'destroy')],
  ['client', 'BullMQ Queue', (o) => fn(o, 'add', 'getJob', 'close')],
  ['client', 'Kafka producer', (o) => fn(o, 'send', 'sendBatch', 'disconnect')],
];

/** The kind of `resource` from its shape; 'other' when nothing matches (or reading it throws). */
export function inferKind(resource: unknown): StepKind {
  return recogniseKind(resource)?.[0] ?? 'other';
}

/** The kind and what it was recognised as, or undefined. */
export function recogniseKind(resource: unknown): readonly [StepKind, string] | undefined {
  if (resource === null || (typeof resource !== 'object' && typeof resource !== 'function')) return undefined;
  try {
    const object = resource as Shape;
    const own = object[stepKind];
    if (typeof own === 'string' && (STEP_KINDS as readonly string[]).includes(own))
      return [own as StepKind, 'lastcall resource'];
    for (const [kind, what, test] of RECOGNISERS) if (test(object)) return [kind, what];
  } catch {
    // A revoked Proxy or a throwing getter: normalizeResource reports it with its own error.
  }
  return undefined;
}
