// The lifecycle most cluster suites share: a 3+3 cluster of the suite's own and one shared connection to it,
// started before the suite's first test and torn down after its last.
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll } from 'vitest';
import { ClusterClient, type ClusterConnection, type ClusterConnectionConfig } from '../../src/index.js';

/** Registers the hooks in the enclosing suite (or file) and hands both to `onStarted` once they are up. */
export function withCluster(
  onStarted: (started: { cluster: DevCluster; conn: ClusterConnection }) => void,
  options?: ClusterConnectionConfig,
): void {
  let cluster: DevCluster | undefined;
  let conn: ClusterConnection | undefined;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
    conn = await new ClusterClient(cluster.seeds).getConnection(options);
    onStarted({ cluster, conn });
  });
  afterAll(async () => {
    conn?.destroy();
    await cluster?.stop();
  });
}
