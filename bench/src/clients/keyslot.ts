// keyslot, from the workspace package `@keyslot/client` (its TypeScript source: children run with
// `--conditions=@keyslot/source --import tsx`). RESP3 (its default).
import { ClusterClient, type ClusterConnection, type ClusterConnectionConfig } from '@keyslot/client';
import type { ClusterAddresses, Driver } from './driver.js';

/** The driver, and the connection under it for what only keyslot reports (stats, refreshes). */
export async function connectKeyslot(
  cluster: ClusterAddresses,
  config: ClusterConnectionConfig = {},
): Promise<Driver & { connection: ClusterConnection }> {
  const connection = await new ClusterClient(cluster.seeds, { protocol: 3 }).getConnection(config);
  return {
    connection,
    set: (key, value) => connection.set(key, value),
    get: (key) => connection.get(key),
    setBuffer: (key, value) => connection.set(key, value),
    getBuffer: (key) => connection.buffers.get(key),
    async batch(keys, start, count, value) {
      const batch = connection.batch();
      const size = keys.length;
      for (let i = 0; i < count; i += 2) {
        const key = keys[(start + i) % size]!;
        batch.set(key, value);
        batch.get(key);
      }
      const results = await batch.exec();
      let failed = 0;
      for (const result of results) if (result.status === 'rejected') failed++;
      return failed;
    },
    close: () => connection.close(),
  };
}
