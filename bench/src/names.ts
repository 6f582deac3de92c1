// What can be run, by name: no imports, so the orchestrator can parse options before the peers are installed.

export type ClientName =
  | 'keyslot'
  | 'ioredis'
  | 'ioredis-autopipe'
  | 'node-redis'
  | 'glide'
  | 'keyslot-otel-nosdk'
  | 'keyslot-otel-batch'
  | 'keyslot-otel';

export const CLIENT_NAMES: readonly ClientName[] = [
  'keyslot',
  'ioredis',
  'ioredis-autopipe',
  'node-redis',
  'glide',
  'keyslot-otel-nosdk',
  'keyslot-otel-batch',
  'keyslot-otel',
];

/**
 * keyslot with @keyslot/otel on, run only when asked (`--otel`): registered without an OpenTelemetry SDK (the API's
 * no-op tracer and meter), with the SDK and a `BatchSpanProcessor`, and with the SDK and a `SimpleSpanProcessor`.
 */
export const OTEL_CLIENTS: readonly ClientName[] = [
  'keyslot-otel-nosdk',
  'keyslot-otel-batch',
  'keyslot-otel',
];

/** Clients that are keyslot itself, not peers to compare it with. */
export const KEYSLOT_CLIENTS: readonly ClientName[] = ['keyslot', ...OTEL_CLIENTS];

export const CLIENT_LABELS: Record<ClientName, string> = {
  keyslot: 'keyslot',
  ioredis: 'ioredis',
  'ioredis-autopipe': 'ioredis autopipe',
  'node-redis': 'node-redis',
  glide: 'glide',
  'keyslot-otel-nosdk': 'keyslot + otel, no SDK',
  'keyslot-otel-batch': 'keyslot + otel, batch processor',
  'keyslot-otel': 'keyslot + otel, simple processor',
};

export type ScenarioName =
  | 'sequential'
  | 'concurrent-100'
  | 'concurrent-1000'
  | 'promise-all-1000'
  | 'batch-1000';

export interface ScenarioInfo {
  name: ScenarioName;
  title: string;
  /** What one latency sample is. */
  latencyOf: 'command' | '1,000 commands';
}

export const SCENARIOS: readonly ScenarioInfo[] = [
  { name: 'sequential', title: 'one caller, sequential', latencyOf: 'command' },
  { name: 'concurrent-100', title: '100 concurrent callers', latencyOf: 'command' },
  { name: 'concurrent-1000', title: '1,000 concurrent callers', latencyOf: 'command' },
  { name: 'promise-all-1000', title: 'Promise.all of 1,000 single commands', latencyOf: '1,000 commands' },
  { name: 'batch-1000', title: 'explicit 1,000-command batch across slots', latencyOf: '1,000 commands' },
];

export const SCENARIO_NAMES: readonly ScenarioName[] = SCENARIOS.map((s) => s.name);

export type ServerName = 'keyslot' | 'fastify-redis' | 'fastify-redis-autopipe';

export const SERVER_NAMES: readonly ServerName[] = ['keyslot', 'fastify-redis', 'fastify-redis-autopipe'];

export const SERVER_LABELS: Record<ServerName, string> = {
  keyslot: 'Fastify + keyslot',
  'fastify-redis': '@fastify/redis (ioredis Cluster)',
  'fastify-redis-autopipe': '@fastify/redis (ioredis Cluster, autopipe)',
};
