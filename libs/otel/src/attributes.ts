/**
 * Attribute names of OpenTelemetry's database semantic conventions (and keyslot's own, under `keyslot.`), written
 * out here so `@opentelemetry/api` stays the only peer.
 */
export const ATTR = {
  dbSystemName: 'db.system.name',
  dbOperationName: 'db.operation.name',
  dbNamespace: 'db.namespace',
  dbQueryText: 'db.query.text',
  dbBatchSize: 'db.operation.batch.size',
  dbResponseStatusCode: 'db.response.status_code',
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  redirectKind: 'keyslot.redirect.kind',
  retryReason: 'keyslot.retry.reason',
  topologyOutcome: 'keyslot.topology.outcome',
  cacheResult: 'keyslot.cache.result',
} as const;

/** `db.system.name` for Redis (and its forks: Valkey speaks the same protocol). */
export const DB_SYSTEM = 'redis';

/** Splits `host:port` into the conventions' `server.address` and `server.port`. */
export function serverAttributes(address: string): Record<string, string | number> {
  const colon = address.lastIndexOf(':');
  return {
    [ATTR.serverAddress]: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    [ATTR.serverPort]: Number(address.slice(colon + 1)),
  };
}
