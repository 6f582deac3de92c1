// stop() leaves nothing behind, clusters do not interfere, and password and TLS clusters work end to end.
// Every test has its own clusters, so they run at the same time: most of a start is Redis's own 2 s wait.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClusterNodes, parseInfo, replicaPortsInClusterSlots } from '../src/cluster-topology.js';
import { startCluster } from '../src/index.js';
import { isProcessAlive } from '../src/processes.js';
import { rawCommand } from './helpers.js';

describe.concurrent('two clusters at once', () => {
  it('run side by side on different ports, and stop() of one leaves nothing of it and spares the other', async () => {
    const [first, second] = await Promise.all([
      startCluster({ primaries: 2, replicasPerPrimary: 0 }),
      startCluster({ primaries: 1, replicasPerPrimary: 1 }),
    ]);
    try {
      const firstPorts = first.nodes.map((node) => node.port);
      const secondPorts = second.nodes.map((node) => node.port);
      expect(new Set([...firstPorts, ...secondPorts]).size).toBe(firstPorts.length + secondPorts.length);
      expect(first.dir).not.toBe(second.dir);
      // Each cluster only knows its own nodes.
      const known = parseClusterNodes(String(await first.admin(first.nodes[0]!, 'CLUSTER', 'NODES')));
      expect(known.map((line) => line.port).sort()).toEqual([...firstPorts].sort());

      const pids = first.nodes.map((node) => node.pid);
      await first.stop();
      for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
      expect(existsSync(first.dir)).toBe(false);
      await first.stop(); // idempotent

      expect(await second.admin(second.nodes[0]!, 'PING')).toBe('PONG');
      await second.waitUntilReady();
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    const pids = second.nodes.map((node) => node.pid);
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(second.dir)).toBe(false);
  });
});

describe.concurrent('password-protected cluster', () => {
  it('replicates with masterauth, refuses unauthenticated clients, and moves keys with MIGRATE AUTH', async () => {
    const cluster = await startCluster({ primaries: 2, replicasPerPrimary: 1, password: 's3cret' });
    try {
      expect(cluster.password).toBe('s3cret');
      const [source, target] = cluster.primaries;
      const noAuth = await rawCommand(source!.port, ['PING']);
      expect(String(noAuth)).toMatch(/NOAUTH/);

      const slot = Number(await cluster.admin(source!, 'CLUSTER', 'KEYSLOT', '{auth}'));
      const from = cluster.ownerOf(slot)!;
      const to = from === source ? target! : source!;
      await cluster.admin(from, 'SET', '{auth}:1', 'moved');
      await cluster.moveSlots([slot], to);
      expect(await cluster.admin(to, 'GET', '{auth}:1')).toBe('moved');
    } finally {
      await cluster.stop();
    }
  });
});

describe.concurrent('startCluster options', () => {
  it('applies extraConfig to every node', async () => {
    const cluster = await startCluster({
      primaries: 1,
      replicasPerPrimary: 0,
      extraConfig: ['maxmemory 64mb', 'cluster-require-full-coverage no'],
    });
    try {
      const node = cluster.nodes[0]!;
      expect(await cluster.admin(node, 'CONFIG', 'GET', 'maxmemory')).toEqual([
        'maxmemory',
        String(64 * 1024 * 1024),
      ]);
      expect(await cluster.admin(node, 'CONFIG', 'GET', 'cluster-require-full-coverage')).toEqual([
        'cluster-require-full-coverage',
        'no',
      ]);
      // DEBUG is enabled so tests can simulate a slow server.
      expect(await cluster.admin(node, 'DEBUG', 'SLEEP', '0')).toBe('OK');
    } finally {
      await cluster.stop();
    }
  });

  it('rejects invalid sizes before starting anything', async () => {
    await expect(startCluster({ primaries: 0 })).rejects.toThrow(/primaries/);
    await expect(startCluster({ replicasPerPrimary: -1 })).rejects.toThrow(/replicasPerPrimary/);
  });
});

describe.concurrent('TLS cluster', () => {
  it('forms over TLS (client, bus and replication) and is reached with the generated CA', async () => {
    const cluster = await startCluster({ primaries: 2, replicasPerPrimary: 1, tls: true });
    try {
      const { ca } = cluster.tls!;
      for (const node of cluster.nodes) {
        const info = parseInfo(String(await rawCommand(node.port, ['CLUSTER', 'INFO'], { ca })));
        expect(info.cluster_state).toBe('ok');
      }
      const listed = replicaPortsInClusterSlots(await cluster.admin(cluster.nodes[0]!, 'CLUSTER', 'SLOTS'));
      expect([...listed].sort()).toEqual(cluster.replicas.map((node) => node.port).sort());
    } finally {
      await cluster.stop();
    }
  });
});
