// Blocking commands on their dedicated connections when something happens to them: a failover ends them with
// UNBLOCKED (they did not run, and are run again on the new primary within their deadline), and a lost connection
// re-sends a read-only one (XREAD) but never one that may have popped something (BZPOPMIN).
import { type DevCluster } from '@keyslot/dev-cluster';
import { describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterConnection, OutcomeUnknownError } from '../src/index.js';
import { settle, slotOf } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

describe(onServer('blocking commands across a failover and a lost connection'), () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  withCluster((started) => ({ cluster, conn } = started));

  /**
   * The client id of the connection blocked in `command` (lower case) on `key`'s primary. `pending`, the command's
   * own outcome, is named if the wait times out (it may have failed instead of blocking).
   */
  async function blockedClient(
    key: string,
    command: string,
    pending?: Promise<Awaited<ReturnType<typeof settle>>>,
  ): Promise<string> {
    const primary = cluster.ownerOf(slotOf(key))!;
    let outcome = 'not settled';
    void pending?.then((result) => {
      outcome = result.ok ? `returned ${JSON.stringify(result.value)}` : `failed: ${result.error.message}`;
    });
    let id = '';
    await cluster.waitFor(
      async () => {
        const list = String(await cluster.admin(primary, 'CLIENT', 'LIST'));
        const line = list
          .split('\n')
          .find((l) => new RegExp(` cmd=${command} `).test(l) && / flags=b /.test(l));
        id = line?.match(/^id=(\d+)/)?.[1] ?? '';
        return id !== '';
      },
      {
        timeoutMs: 15_000,
        message: () => `${command} to block on ${primary.address} (the command: ${outcome})`,
      },
    );
    return id;
  }

  it('a BLPOP ended by UNBLOCKED when its primary fails over is run again on the new primary and gets the element', async () => {
    const key = 'blocking:failover';
    const primary = cluster.ownerOf(slotOf(key))!;
    const popped = settle(conn.blpop(key, 20));
    await blockedClient(key, 'blpop');
    await cluster.failover(cluster.replicasOf(primary)[0]!);
    expect(cluster.ownerOf(slotOf(key))!.id).not.toBe(primary.id);
    // Blocked again, now on the new primary.
    await blockedClient(key, 'blpop', popped);
    expect(await conn.rpush(key, 'after-failover')).toBe(1);
    const result = await popped;
    expect(result.ok ? result.value : result.error.message).toEqual({ key, element: 'after-failover' });
  });

  it('a BLPOP ended by UNBLOCKED is run again on a new connection, not on the one the server closes after that reply', async () => {
    // The server closes a connection right after telling it UNBLOCKED. A slot map kept stale (no refresh for a
    // minute) sends the re-run back to that node, and a 1 ms backoff sends it before the close is seen: on the
    // ended connection it would be lost after it was written, and fail as "may have run" though it never ran.
    const stale = await new ClusterClient(cluster.seeds).getConnection({
      minRefreshIntervalMs: 60_000,
      backoff: { baseMs: 1, maxMs: 1 },
    });
    try {
      for (let round = 0; round < 3; round++) {
        const key = `blocking:unblocked-connection:${round}`;
        const primary = cluster.ownerOf(slotOf(key))!;
        const popped = settle(stale.blpop(key, 20));
        await blockedClient(key, 'blpop', popped);
        await cluster.failover(cluster.replicasOf(primary)[0]!);
        await blockedClient(key, 'blpop', popped);
        expect(await conn.rpush(key, 'after-failover')).toBe(1);
        const result = await popped;
        expect(result.ok ? result.value : result.error.message).toEqual({ key, element: 'after-failover' });
      }
    } finally {
      stale.destroy();
    }
  });

  it('an XREAD BLOCK whose connection is killed is sent again; a BZPOPMIN is not (it may have popped)', async () => {
    const stream = 'blocking:stream';
    await conn.xadd(stream, { n: '0' });
    const read = settle(conn.xread({ key: stream, id: '$' }, { block: 20_000 }));
    const first = await blockedClient(stream, 'xread');
    await cluster.admin(cluster.ownerOf(slotOf(stream))!, 'CLIENT', 'KILL', 'ID', first);
    const second = await blockedClient(stream, 'xread');
    expect(second).not.toBe(first);
    await conn.xadd(stream, { n: '1' });
    const result = await read;
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value?.[0]?.messages.map((m) => m.fields)).toEqual([{ n: '1' }]);

    const zset = 'blocking:zset';
    const pop = settle(conn.bzpopmin(zset, 20));
    const blocked = await blockedClient(zset, 'bzpopmin');
    await cluster.admin(cluster.ownerOf(slotOf(zset))!, 'CLIENT', 'KILL', 'ID', blocked);
    const popResult = await pop;
    expect(popResult.ok).toBe(false);
    if (!popResult.ok) expect(popResult.error).toBeInstanceOf(OutcomeUnknownError);
  });
});
