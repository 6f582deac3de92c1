// keyslot's diagnostics channels and `topology()` health, against real redis-servers: events are produced by real
// faults (a slot moved with SETSLOT + MIGRATE, a network path that goes silent, a killed replica).
import diagnosticsChannel from 'node:diagnostics_channel';
import {
  type DevCluster,
  type DevStandalone,
  startCluster,
  startStandalone,
  TcpProxy,
  waitFor,
} from '@keyslot/dev-cluster';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNELS,
  Client,
  ClusterClient,
  type ClusterConnection,
  type ConnectEvent,
  type ConnectionCreatedEvent,
  type DisconnectEvent,
  type RedirectEvent,
  type StuckEvent,
  type TopologyEvent,
} from '../src/index.js';
import { callsOf, slotOf, tagOn } from './cluster-helpers.js';
import { onServer } from './support/server.js';

/** Every event published on keyslot's plain channels while subscribed, by channel name. */
class Recorder {
  readonly events: { channel: string; message: unknown }[] = [];
  private readonly handlers = new Map<string, (message: unknown) => void>();

  constructor() {
    for (const name of Object.values(CHANNELS)) {
      if (name === CHANNELS.command) continue;
      const handler = (message: unknown) => this.events.push({ channel: name, message });
      this.handlers.set(name, handler);
      diagnosticsChannel.subscribe(name, handler);
    }
  }

  of<T>(channel: string): T[] {
    return this.events.filter((e) => e.channel === channel).map((e) => e.message as T);
  }

  stop(): void {
    for (const [name, handler] of this.handlers) diagnosticsChannel.unsubscribe(name, handler);
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function record(): Recorder {
  const recorder = new Recorder();
  cleanups.push(() => recorder.stop());
  return recorder;
}

describe(onServer('on a cluster'), () => {
  let cluster: DevCluster;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function connect(
    config: Parameters<ClusterClient['getConnection']>[0] = {},
  ): Promise<ClusterConnection> {
    const conn = await new ClusterClient(cluster.seeds).getConnection(config);
    cleanups.push(() => conn.close());
    return conn;
  }

  it('reports every node as online on a fresh cluster, replicas it never needed included, apart from its connections', async () => {
    const conn = await connect();
    await conn.set('health:fresh', 'v');
    const { nodes } = conn.topology();
    expect(nodes).toHaveLength(6);
    for (const node of nodes) expect(node).toMatchObject({ health: 'online', routed: true });
    for (const node of nodes.filter((n) => n.role === 'replica')) {
      // Reads go to primaries: this client never needed a replica, and that is no failure.
      expect(node.connected).toBe(false);
      expect(node.lastError).toBeUndefined();
    }
  });

  it('publishes the new connection, its first node connections and its first topology', async () => {
    const recorder = record();
    const conn = await connect();
    expect(recorder.of<ConnectionCreatedEvent>(CHANNELS.connection)).toEqual([{ connection: conn }]);
    const connects = recorder.of<ConnectEvent>(CHANNELS.connect);
    expect(connects.length).toBeGreaterThan(0);
    expect(connects.every((event) => event.reconnect === false)).toBe(true);
    expect(recorder.of<TopologyEvent>(CHANNELS.topology)[0]).toEqual({
      outcome: 'changed',
      nodes: 6,
      coveredSlots: 16384,
    });
  });

  it('publishes a MOVED redirect with the slot and both nodes when a slot moved under a command', async () => {
    await cluster.refresh();
    const [from, to] = cluster.primaries;
    const key = `${tagOn(cluster, from!, 'moved')}:k`;
    const slot = slotOf(key);
    // No periodic refresh: the client learns of the move from the MOVED reply.
    const conn = await connect({ topologyCheckIntervalMs: 600_000 });
    await conn.set(key, 'v');
    await cluster.moveSlots([slot], to!);
    const recorder = record();
    expect(await conn.get(key)).toBe('v');
    expect(recorder.of<RedirectEvent>(CHANNELS.redirect)).toEqual([
      { kind: 'MOVED', command: 'GET', slot, from: from!.address, to: to!.address },
    ]);
  });

  it('reports a killed replica as failed and no longer routed, still listed under its primary; its reads go to the primary', async () => {
    const conn = await connect({ topologyCheckIntervalMs: 200 });
    await cluster.refresh();
    const replica = cluster.replicas[0]!;
    const primary = cluster.nodes.find((node) => node.id === replica.primaryId)!;
    const key = `${tagOn(cluster, primary, 'replica-read')}:k`;
    const reader = await connect({ readFrom: 'replica', topologyCheckIntervalMs: 600_000 });
    await conn.set(key, 'v');
    await reader.get(key);
    await cluster.kill(replica);
    // Its replica is gone: the read does not wait for it (nor for the map to drop it), the primary serves it.
    const getsBefore = await callsOf(cluster, primary, 'get');
    expect(await reader.get(key)).toBe('v');
    expect((await callsOf(cluster, primary, 'get')) - getsBefore).toBe(1);
    await waitFor(
      () => conn.topology().nodes.find((n) => n.address === replica.address)?.health === 'failed',
      { timeoutMs: 20_000, message: `the client to see ${replica.address} as failed` },
    );
    expect(conn.topology().nodes.find((n) => n.address === replica.address)).toMatchObject({
      role: 'replica',
      primary: primary.address,
      routed: false,
      health: 'failed',
    });
    // A failed replica is the cluster's news, not a reason to call the cluster down.
    expect((await conn.health()).status).toBe('up');
  });
});

describe(onServer('on a standalone server'), () => {
  let server: DevStandalone;
  beforeAll(async () => {
    server = await startStandalone();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('publishes the stuck connection, its loss and the reconnect', async () => {
    const proxy = await TcpProxy.start(server);
    cleanups.push(() => proxy.close());
    const manager = await new Client({ host: '127.0.0.1', port: proxy.port }).getConnectionManager({
      commandTimeoutMs: 500,
      connectTimeoutMs: 500,
      backoff: { baseMs: 10, maxMs: 100 },
    });
    cleanups.push(() => manager.destroy());
    await manager.set('stuck:key', 'v');
    const recorder = record();
    proxy.blackhole();
    await manager.get('stuck:key').catch(() => undefined);
    proxy.forwardNewConnections();
    await waitFor(
      () =>
        manager.get('stuck:key').then(
          (v) => v === 'v',
          () => false,
        ),
      {
        timeoutMs: 10_000,
        message: 'the manager to serve again',
      },
    );
    const address = `127.0.0.1:${proxy.port}`;
    const [stuck] = recorder.of<StuckEvent>(CHANNELS.stuck);
    expect(stuck).toEqual({ address, silentMs: expect.any(Number) });
    expect(stuck!.silentMs).toBeGreaterThanOrEqual(500);
    expect(recorder.of<DisconnectEvent>(CHANNELS.disconnect)[0]).toEqual({
      address,
      error: expect.any(Error),
    });
    expect(recorder.of<ConnectEvent>(CHANNELS.connect)).toContainEqual({ address, reconnect: true });
  });
});
