import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import type { KeyslotModuleOptions } from './keyslot-module-options.js';

/**
 * Opens the connection the options describe: waits for the cluster's topology (`connectOnStart`, the default),
 * or returns at once and connects in the background. Async, so that a `ConfigError` from the client rejects
 * where Nest awaits the provider rather than throwing past it.
 */
export async function openConnection(options: KeyslotModuleOptions): Promise<ClusterConnection> {
  const client = new ClusterClient(options.nodes, options.clientOptions);
  return options.connectOnStart === false
    ? client.createConnection(options.connection)
    : client.getConnection(options.connection);
}
