// A node the client's view lists without routing to it (a primary that lost every slot) keeps the connection that
// holds subscriptions: closing it would drop them and lose the messages published until they are made elsewhere.
// (Not a server suite: moving a primary's 5,461 slots one SETSLOT at a time outlasts dev-cluster's 5 s admin
// deadline on Valkey 8, whose SETSLOT waits for the replicas.)
import type { DevCluster, DevClusterNode } from '@keyslot/dev-cluster';
import { expect, it } from 'vitest';
import type { ClusterConnection, PubSubMessage } from '../src/index.js';
import { tagOn } from './cluster-helpers.js';
import { subscribersOn, total } from './support/pubsub-counts.js';
import { withCluster } from './support/with-cluster.js';

let cluster: DevCluster;
let conn: ClusterConnection;
// No periodic refresh: the client learns of slot moves only from the servers' replies.
withCluster((started) => ({ cluster, conn } = started), { topologyCheckIntervalMs: 600_000 });

const nodeAt = (address: string): DevClusterNode => cluster.nodes.find((n) => n.address === address)!;

it('keeps the subscriptions of a node that lost every slot, on the same connection', async () => {
  await cluster.refresh();
  const got: PubSubMessage[] = [];
  await conn.subscribe('placement:kept', (message) => got.push(message));
  await cluster.admin(cluster.primaries[0]!, 'PUBLISH', 'placement:kept', 'where');
  await cluster.waitFor(() => got.length > 0, { timeoutMs: 5000, message: 'the first message' });
  const holder = nodeAt(got[0]!.node);
  const heir = cluster.primaries.find((p) => p.id !== holder.id)!;
  const pubsubClients = async () =>
    [...String(await cluster.admin(holder, 'CLIENT', 'LIST', 'TYPE', 'pubsub')).matchAll(/\bid=(\d+)/g)].map(
      (match) => match[1],
    );
  const clientsBefore = await pubsubClients();
  expect(clientsBefore).toHaveLength(1);

  // The holder keeps running, listed without slots: the client stops routing to it.
  expect(holder.role).toBe('primary');
  const slots = holder.slots.flatMap(([start, end]) =>
    Array.from({ length: end - start + 1 }, (_, i) => start + i),
  );
  const movedKey = `${tagOn(cluster, holder, 'moved')}:k`;
  await cluster.moveSlots(slots, heir);
  // The key's old owner answers MOVED: the client refreshes its map and stops routing to the holder.
  await conn.get(movedKey);
  await cluster.waitFor(
    () => conn.topology().nodes.some((node) => node.address === holder.address && !node.routed),
    { timeoutMs: 10_000, message: 'the client to route nothing to the holder' },
  );

  got.length = 0;
  await cluster.admin(heir, 'PUBLISH', 'placement:kept', 'after');
  await cluster.waitFor(() => got.length > 0, { timeoutMs: 5000, message: 'a message after the move' });
  expect(got.map((m) => m.node)).toEqual([holder.address]);
  expect(await pubsubClients()).toEqual(clientsBefore);
  expect(total(await subscribersOn(cluster, 'placement:kept', 'NUMSUB'))).toBe(1);
  await conn.unsubscribe('placement:kept');
});
