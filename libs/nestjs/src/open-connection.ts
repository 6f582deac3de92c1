import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import type { KeyslotModuleOptions } from './keyslot-module-options.js';

/**
 * Opens the connection the options describe: waits for the cluster's topology (`connectOnStart`, the default),
 * or returns at once and connects in the background. Async, so that a `ConfigError` from the client rejects
 * where Nest awaits the provider rather than throwing past it.
 */
export async function openConnection(options: KeyslotModuleOptions): Promise<ClusterConnection> {
  const client = new ClusterClient(options.nodes, options.clientOptions);
  // On before connecting, so the first connections and topology are seen; the registry turns it off at shutdown.
  const instrumentation = options.instrumentation;
  instrumentation?.enable();
  try {
    const connection =
      options.connectOnStart === false
        ? client.createConnection(options.connection)
        : await client.getConnection(options.connection);
    instrumentation?.observe(connection);
    return connection;
  } catch (error) {
    instrumentation?.disable();
    throw error;
  }
}
