import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import type { ConnectionPlan } from './check-options.js';
import { connectTimeoutWithin } from './connect-timeout.js';

/** The connection the instance is decorated with, and whether closing the instance closes it. */
export interface HeldConnection {
  connection: ClusterConnection;
  closeOnClose: boolean;
}

/**
 * Adopts the caller's connection, or opens one the plugin owns: waiting for the cluster (within the plugin
 * timeout) when `connectOnStart`, otherwise connecting in the background. A failed connect rejects with the
 * client's error and leaves nothing open (the client destroys the half-made connection).
 */
export async function openConnection(
  plan: ConnectionPlan,
  pluginTimeoutMs: number | undefined,
): Promise<HeldConnection> {
  if (plan.kind === 'adopt') return { connection: plan.connection, closeOnClose: plan.closeOnClose };
  const client = new ClusterClient(plan.nodes, plan.clientOptions);
  if (!plan.connectOnStart) return { connection: client.createConnection(plan.config), closeOnClose: true };
  const connectTimeoutMs = connectTimeoutWithin(pluginTimeoutMs, plan.config.connectTimeoutMs);
  const connection = await client.getConnection({ ...plan.config, connectTimeoutMs });
  return { connection, closeOnClose: true };
}
