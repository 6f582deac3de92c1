// What the values and limit sections share: the peers they compare (keyslot with OpenTelemetry is not one) and a
// cluster of 3 primaries of their own, with the addresses their children connect to.
import { type DevCluster, defaultServerChoice, ensureServer, startCluster } from '@keyslot/dev-cluster';
import type { ClusterAddresses } from '../clients/driver.js';
import { type ClientName, OTEL_CLIENTS } from '../names.js';
import type { BenchOptions } from '../options.js';

export function sectionClients(options: BenchOptions): ClientName[] {
  return options.clients.filter((name) => !OTEL_CLIENTS.includes(name));
}

export async function startSectionCluster(
  options: BenchOptions,
  replicasPerPrimary: number,
): Promise<{ cluster: DevCluster; addresses: ClusterAddresses }> {
  const server = await ensureServer(options.server ?? defaultServerChoice());
  const cluster = await startCluster({ primaries: 3, replicasPerPrimary, server: server.name });
  return {
    cluster,
    addresses: { seeds: cluster.seeds, primaries: cluster.primaries.map((node) => node.address) },
  };
}
