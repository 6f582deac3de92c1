// WAIT and WAITAOF count the writes made on the connection they run on. keyslot used to send them to a dedicated
// connection, like any blocking command, where no write was ever made: WAIT answered at once that every replica
// had everything, even with the replica stopped. Now they run on the shared connection the writes went through (on
// a cluster: on every primary's, the smallest answer standing for all, as Redis documents), against real servers
// whose replica is stopped with SIGSTOP so that it cannot acknowledge.
import { type DevCluster, type DevStandalone, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type ClusterConnection } from '../src/index.js';
import { slotOf } from './cluster-helpers.js';
import { failure } from './support/failure.js';
import { withCluster } from './support/with-cluster.js';

/** Runs `wait` and how long it took. */
async function timedWait(wait: () => Promise<number>): Promise<{ replicas: number; ms: number }> {
  const started = Date.now();
  const replicas = await wait();
  return { replicas, ms: Date.now() - started };
}

describe('WAIT on a standalone server with a replica', () => {
  let primary: DevStandalone;
  let replica: DevStandalone;
  beforeAll(async () => {
    primary = await startStandalone();
    replica = await startStandalone({ extraConfig: [`replicaof 127.0.0.1 ${primary.port}`] });
    await primary.waitFor(
      async () => /slave0:.*state=online/.test(String(await primary.admin('INFO', 'replication'))),
      {
        timeoutMs: 10_000,
        message: 'the replica to be in sync',
      },
    );
  });
  afterAll(async () => {
    await replica?.stop();
    await primary?.stop();
  });

  it('ConnectionManager and MultiplexedConnection: WAIT waits for the replica that has not acknowledged', async () => {
    const client = new Client({ host: '127.0.0.1', port: primary.port });
    const manager = await client.getConnectionManager();
    const multiplexed = await client.getMultiplexedConnection();
    try {
      for (const conn of [manager, multiplexed]) {
        await conn.set('k', 'before');
        expect((await timedWait(() => conn.wait(1, 2_000))).replicas).toBe(1);
        await replica.pause();
        try {
          await conn.set('k', 'while the replica is stopped');
          const stalled = await timedWait(() => conn.wait(1, 300));
          // A dedicated connection has written nothing: it would say 1 at once.
          expect(stalled.replicas).toBe(0);
          expect(stalled.ms).toBeGreaterThanOrEqual(250);
        } finally {
          await replica.resume();
        }
        expect((await timedWait(() => conn.wait(1, 5_000))).replicas).toBe(1);
      }
      expect(await failure(manager.wait(1, 0))).toMatchObject({ code: 'ERR_KEYSLOT_ARGUMENT' });
    } finally {
      await manager.close();
      await multiplexed.close();
    }
  });
  it('a WAIT whose connection is lost fails with ConnectionError, never re-sent where it would count no writes', async () => {
    // retryWrites re-sends lost writes: WAIT must still not go out on the next connection, which made no write
    // and would answer at once that the stopped replica has everything.
    const manager = await new Client({ host: '127.0.0.1', port: primary.port }).getConnectionManager({
      retryWrites: true,
      backoff: { baseMs: 10, maxMs: 100 },
    });
    try {
      await manager.set('k', 'before');
      await replica.pause();
      try {
        await manager.set('k', 'never acknowledged');
        const waiting = failure(manager.wait(1, 10_000));
        await primary.waitFor(async () => /cmd=wait/.test(String(await primary.admin('CLIENT', 'LIST'))), {
          timeoutMs: 5_000,
          message: 'WAIT to block on the server',
        });
        // The admin connection is skipped (SKIPME), the replica's link is not of type normal.
        await primary.admin('CLIENT', 'KILL', 'TYPE', 'normal');
        const error = await waiting;
        expect(error).toMatchObject({ code: 'ERR_KEYSLOT_CONNECTION' });
        expect(error.message).toMatch(/WAIT counts the writes made on its connection/);
      } finally {
        await replica.resume();
      }
      expect(await manager.get('k')).toBe('never acknowledged');
    } finally {
      await manager.close();
    }
  });
});

describe('WAIT on a cluster', () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  withCluster((started) => ({ cluster, conn } = started));

  it('goes to every primary on the connection the writes went through; the smallest answer stands', async () => {
    const key = 'wait:{k}';
    await conn.set(key, 'before');
    expect(await conn.wait(1, 2_000)).toBe(1);
    const replica = cluster.replicasOf(cluster.ownerOf(slotOf(key))!)[0]!;
    await cluster.pause(replica);
    try {
      await conn.set(key, 'while the replica is stopped');
      const stalled = await timedWait(() => conn.wait(1, 300));
      expect(stalled.replicas).toBe(0);
      expect(stalled.ms).toBeGreaterThanOrEqual(250);
    } finally {
      await cluster.resume(replica);
    }
    expect(await conn.wait(1, 5_000)).toBe(1);
    const refused = await failure(conn.wait(1, 0));
    expect(refused).toMatchObject({ code: 'ERR_KEYSLOT_ARGUMENT' });
    expect(refused.message).toMatch(/would block the shared connection forever/);
  });
});
