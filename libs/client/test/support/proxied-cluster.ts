// A 3-primary cluster with each node behind a TCP proxy of its own, and the `natMap` that sends the client through
// the proxies: for faults between the client and one node (black-holed, cut) that the servers never see.
import { type DevCluster, startCluster, TcpProxy } from '@keyslot/dev-cluster';
import { afterAll, beforeAll } from 'vitest';
import type { NatMap } from '../../src/index.js';

export interface ProxiedCluster {
  cluster: DevCluster;
  /** In the order of `cluster.nodes`. */
  proxies: TcpProxy[];
  /** Each node's announced address to its proxy. */
  natMap(): NatMap;
  /** The proxy in front of `nodeId`. */
  proxyOf(nodeId: string): TcpProxy;
}

/** Registers the hooks that start it before the file's first test and stop it after its last. */
export function withProxiedCluster(): ProxiedCluster {
  const proxies: TcpProxy[] = [];
  const started: ProxiedCluster = {
    cluster: undefined as unknown as DevCluster,
    proxies,
    natMap: () =>
      Object.fromEntries(
        started.cluster.nodes.map((node, index) => [
          node.address,
          { host: '127.0.0.1', port: proxies[index]!.port },
        ]),
      ),
    proxyOf: (nodeId) => proxies[started.cluster.nodes.findIndex((node) => node.id === nodeId)]!,
  };
  beforeAll(async () => {
    started.cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
    for (const node of started.cluster.nodes) proxies.push(await TcpProxy.start(node));
  });
  afterAll(async () => {
    for (const proxy of proxies) await proxy.close();
    await started.cluster?.stop();
  });
  return started;
}
