// CLUSTER SHARDS replies built the way the servers send them (flat field/value lists), for the parser's unit tests.

export type ShardsRole = 'master' | 'replica';
export type ShardsHealth = 'online' | 'fail' | 'failed' | 'loading';

/** One node entry of a CLUSTER SHARDS reply on 127.0.0.1. */
export function shardsNode(
  id: string,
  port: number,
  role: ShardsRole,
  health: ShardsHealth = 'online',
): unknown[] {
  return [
    'id',
    id,
    'port',
    port,
    'ip',
    '127.0.0.1',
    'endpoint',
    '127.0.0.1',
    'role',
    role,
    'replication-offset',
    14,
    'health',
    health,
  ];
}

/** One shard entry: its slot ranges as flat start/end pairs, then its nodes. */
export function shardsEntry(slots: number[], ...nodes: unknown[][]): unknown[] {
  return ['slots', slots, 'nodes', nodes];
}
