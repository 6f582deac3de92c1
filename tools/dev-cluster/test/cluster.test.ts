// One shared 3+3 cluster for the handle's operations. Each test leaves the cluster ready (every operation
// waits for that) and looks nodes up by role, because roles change as the tests go.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClusterNodes, parseInfo, replicaPortsInClusterSlots } from '../src/cluster-topology.js';
import {
  type DevCluster,
  type DevClusterNode,
  RedisReplyError,
  SLOT_COUNT,
  startCluster,
} from '../src/index.js';
import { isProcessAlive } from '../src/processes.js';
import { rangesContain } from '../src/slot-ranges.js';

let cluster: DevCluster;

beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
});

afterAll(async () => {
  await cluster?.stop();
});

const byPort = (node: DevClusterNode) => cluster.nodes.find((candidate) => candidate.port === node.port)!;
const selfLine = async (node: DevClusterNode) =>
  parseClusterNodes(String(await cluster.admin(node, 'CLUSTER', 'NODES'))).find((line) => line.myself)!;
const slotOf = async (key: string) =>
  Number(await cluster.admin(cluster.nodes[0]!, 'CLUSTER', 'KEYSLOT', key));
const aReplica = () => cluster.replicas[0]!;

describe('startCluster', () => {
  it('resolves with 3 primaries and 3 replicas that every node agrees on', async () => {
    expect(cluster.nodes).toHaveLength(6);
    expect(cluster.primaries).toHaveLength(3);
    expect(cluster.replicas).toHaveLength(3);
    const covered = cluster.primaries
      .flatMap((node) => node.slots)
      .reduce((sum, [a, b]) => sum + b - a + 1, 0);
    expect(covered).toBe(SLOT_COUNT);
    for (const replica of cluster.replicas) {
      expect(cluster.primaries.map((node) => node.id)).toContain(replica.primaryId);
    }
    expect(new Set(cluster.replicas.map((node) => node.primaryId)).size).toBe(3);
    expect(cluster.seeds).toEqual(cluster.nodes.map((node) => `127.0.0.1:${node.port}`));
    for (const node of cluster.nodes) {
      expect(node.address).toBe(`127.0.0.1:${node.port}`);
      expect(node.id).toMatch(/^[0-9a-f]{40}$/);
      expect(node.state).toBe('running');
      expect(isProcessAlive(node.pid)).toBe(true);
      expect(existsSync(node.dir)).toBe(true);
    }
  });

  it('is really ready: cluster_state ok everywhere and CLUSTER SLOTS lists every replica', async () => {
    const replicaPorts = cluster.replicas.map((node) => node.port).sort();
    for (const node of cluster.nodes) {
      const info = parseInfo(String(await cluster.admin(node, 'CLUSTER', 'INFO')));
      expect(info.cluster_state).toBe('ok');
      expect(info.cluster_known_nodes).toBe('6');
      const listed = [...replicaPortsInClusterSlots(await cluster.admin(node, 'CLUSTER', 'SLOTS'))].sort();
      expect(listed).toEqual(replicaPorts);
    }
    for (const replica of cluster.replicas) {
      const replication = parseInfo(String(await cluster.admin(replica, 'INFO', 'replication')));
      expect(replication.master_link_status).toBe('up');
    }
  });
});

describe('admin', () => {
  it('sends raw commands to one node and rejects with error replies', async () => {
    const slot = await slotOf('admin-key');
    const owner = cluster.ownerOf(slot)!;
    expect(await cluster.admin(owner, 'SET', 'admin-key', 'value')).toBe('OK');
    expect(await cluster.admin(owner, 'GET', 'admin-key')).toBe('value');
    const other = cluster.primaries.find((node) => node !== owner)!;
    await expect(cluster.admin(other, 'GET', 'admin-key')).rejects.toThrow(RedisReplyError);
    await expect(cluster.admin(other, 'GET', 'admin-key')).rejects.toThrow(/^MOVED/);
  });
});

describe('pause and resume', () => {
  it('a paused node answers nothing, and answers again after resume', async () => {
    const replica = aReplica();
    await cluster.pause(replica);
    try {
      expect(byPort(replica).state).toBe('paused');
      await expect(cluster.adminWithTimeout(replica, 300, 'PING')).rejects.toThrow(/no reply/);
    } finally {
      await cluster.resume(replica);
    }
    expect(byPort(replica).state).toBe('running');
    expect(await cluster.admin(replica, 'PING')).toBe('PONG');
    await cluster.waitUntilReady();
  });
});

describe('failover', () => {
  it('swaps the roles of a replica and its primary, and refresh() shows it', async () => {
    const replica = aReplica();
    const oldPrimaryId = replica.primaryId!;
    await cluster.failover(replica);
    expect((await selfLine(replica)).role).toBe('primary');
    await cluster.refresh();
    expect(byPort(replica).role).toBe('primary');
    expect(byPort(replica).slots.length).toBeGreaterThan(0);
    const oldPrimary = cluster.nodes.find((node) => node.id === oldPrimaryId)!;
    expect(oldPrimary.role).toBe('replica');
    expect(oldPrimary.primaryId).toBe(replica.id);
    expect(oldPrimary.slots).toEqual([]);
  });
});

describe('moveSlots', () => {
  it('moves the keys and the ownership of slots, and every node agrees', async () => {
    const slot = await slotOf('{moving}');
    const source = cluster.ownerOf(slot)!;
    const target = cluster.primaries.find((node) => node !== source)!;
    // More keys than one MIGRATE batch.
    const keys = Array.from({ length: 250 }, (_, i) => `{moving}:${i}`);
    for (const key of keys) await cluster.admin(source, 'SET', key, `value-${key}`);

    await cluster.moveSlots([slot], target);

    expect(cluster.ownerOf(slot)?.port).toBe(target.port);
    expect(await cluster.admin(target, 'CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(keys.length);
    expect(await cluster.admin(source, 'CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(0);
    expect(await cluster.admin(target, 'GET', '{moving}:249')).toBe('value-{moving}:249');
    for (const node of cluster.nodes) {
      const text = String(await cluster.admin(node, 'CLUSTER', 'NODES'));
      const owner = parseClusterNodes(text).find(
        (line) => line.role === 'primary' && rangesContain(line.slots, slot),
      );
      expect(owner?.id).toBe(target.id);
      // No slot is left half-way (`[slot->-id]` migrating, `[slot-<-id]` importing).
      expect(text).not.toMatch(/\[\d+-[<>]-/);
    }
  });

  it('does nothing for slots the target already owns', async () => {
    const primary = cluster.primaries[0]!;
    const [start] = primary.slots[0]!;
    await cluster.moveSlots([start], primary);
    expect(cluster.ownerOf(start)?.port).toBe(primary.port);
  });
});

describe('stop(node) and restart', () => {
  it('stops a node gracefully and brings it back on the same port with the same identity', async () => {
    const replica = aReplica();
    const { port, id, pid } = replica;
    await cluster.stop(replica);
    expect(byPort(replica).state).toBe('stopped');
    expect(isProcessAlive(pid)).toBe(false);

    await cluster.restart(replica);

    const restarted = byPort(replica);
    expect(restarted.state).toBe('running');
    expect(restarted.port).toBe(port);
    expect(restarted.id).toBe(id);
    expect(restarted.pid).not.toBe(pid);
    expect(restarted.role).toBe('replica');
    const listed = replicaPortsInClusterSlots(await cluster.admin(cluster.primaries[0]!, 'CLUSTER', 'SLOTS'));
    expect(listed.has(port)).toBe(true);
  });
});

describe('kill and restart', () => {
  it('after a primary is killed its replica is promoted, and the restarted primary rejoins as replica', async () => {
    const primary = cluster.primaries.find((node) => cluster.replicasOf(node).length > 0)!;
    const replica = cluster.replicasOf(primary)[0]!;
    const pid = primary.pid;
    const [firstSlot] = primary.slots[0]!;
    await cluster.kill(primary);
    expect(isProcessAlive(pid)).toBe(false);
    expect(byPort(primary).state).toBe('stopped');

    await cluster.waitFor(async () => (await selfLine(replica)).role === 'primary', {
      timeoutMs: 20_000,
      message: `${replica.address} to be promoted`,
    });
    // At once, while other nodes may still list the dead primary with its slots: the promoted node owns them.
    await cluster.refresh();
    expect(cluster.ownerOf(firstSlot)?.port).toBe(replica.port);
    expect(byPort(primary).slots).toEqual([]);
    await cluster.waitUntilReady();
    expect(byPort(replica).role).toBe('primary');

    await cluster.restart(primary);
    const rejoined = byPort(primary);
    expect(rejoined.port).toBe(primary.port);
    expect(rejoined.role).toBe('replica');
    expect(rejoined.primaryId).toBe(replica.id);
    expect(parseInfo(String(await cluster.admin(rejoined, 'CLUSTER', 'INFO'))).cluster_state).toBe('ok');
  });
});

describe('addPrimary, addReplica and removeNode', () => {
  let added: DevClusterNode;
  let addedReplica: DevClusterNode;

  it('addPrimary starts an empty primary that every node knows', async () => {
    added = await cluster.addPrimary();
    expect(cluster.nodes).toHaveLength(7);
    expect(added.role).toBe('primary');
    expect(added.slots).toEqual([]);
    for (const node of cluster.nodes) {
      const info = parseInfo(String(await cluster.admin(node, 'CLUSTER', 'INFO')));
      expect(info.cluster_known_nodes).toBe('7');
      expect(info.cluster_state).toBe('ok');
    }
  });

  it('slots (with keys) can move to the new primary and back', async () => {
    const slot = await slotOf('{to-new}');
    const original = cluster.ownerOf(slot)!;
    await cluster.admin(original, 'SET', '{to-new}', 'hello');
    await cluster.moveSlots([slot, slot + 1], added);
    expect(cluster.ownerOf(slot)?.port).toBe(added.port);
    expect(byPort(added).slots).toEqual([[slot, slot + 1]]);
    expect(await cluster.admin(added, 'GET', '{to-new}')).toBe('hello');

    await cluster.moveSlots([slot, slot + 1], original);
    expect(byPort(added).slots).toEqual([]);
  });

  it('addReplica adds a replica, and removeNode forgets and stops it', async () => {
    addedReplica = await cluster.addReplica(added);
    expect(byPort(addedReplica).role).toBe('replica');
    expect(byPort(addedReplica).primaryId).toBe(added.id);
    const { pid, dir, id } = addedReplica;

    await cluster.removeNode(addedReplica);

    expect(cluster.nodes).toHaveLength(7);
    expect(cluster.nodes.some((node) => node.id === id)).toBe(false);
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    for (const node of cluster.nodes) {
      const lines = parseClusterNodes(String(await cluster.admin(node, 'CLUSTER', 'NODES')));
      expect(lines.some((line) => line.id === id)).toBe(false);
    }
  });

  it('removeNode refuses a primary that serves slots, and removes an empty one', async () => {
    await expect(cluster.removeNode(cluster.primaries[0]!)).rejects.toThrow(/move them away/);
    await cluster.removeNode(added);
    expect(cluster.nodes).toHaveLength(6);
    await cluster.waitUntilReady();
  });
});
