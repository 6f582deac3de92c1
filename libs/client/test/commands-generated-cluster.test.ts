// The CLUSTER subcommands' typed methods, on connections to one node of a real cluster (what they describe is that
// node), each on RESP2 and RESP3 with the same value.
import { type DevCluster, type DevClusterNode, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe } from 'vitest';
import { Client, type MultiplexedConnection } from '../src/index.js';
import { tagOn } from './cluster-helpers.js';
import { clusterCases } from './support/cases/cluster.js';
import { onTestServer } from './support/command-availability.js';
import { registerCases } from './support/command-cases.js';

let cluster: DevCluster;
let node: DevClusterNode;
let resp2: MultiplexedConnection;
let resp3: MultiplexedConnection;
/** A key whose slot `node` owns, and that slot. */
let key: string;
let slot: number;

beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  await cluster.refresh();
  node = cluster.primaries[0]!;
  key = `${tagOn(cluster, node)}k`;
  slot = Number(await cluster.admin(node, 'CLUSTER', 'KEYSLOT', key));
  const client = new Client({ host: '127.0.0.1', port: node.port });
  resp2 = await client.getMultiplexedConnection({ protocol: 2 });
  resp3 = await client.getMultiplexedConnection({ protocol: 3 });
});
afterAll(async () => {
  await resp2?.close();
  await resp3?.close();
  await cluster?.stop();
});

describe(onTestServer('CLUSTER subcommands on one node, on RESP2 and RESP3 with the same value'), () => {
  registerCases(
    clusterCases(() => ({ node, key, slot })),
    () => ({ resp2, resp3 }),
  );
});
