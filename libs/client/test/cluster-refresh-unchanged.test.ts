// A topology refresh that finds the slot map it already had (the periodic check, nearly always) does no per-slot work
// for the client-side cache: no slot changed hands, so nothing is walked and no entry dropped. A slot patched by a
// MOVED reply is the exception: the same map sends it back to its old owner, and its entries go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../src/index.js';
import { slotOf, spreadKeys } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

interface RouterInternals {
  refresh(): Promise<void>;
  slotOverrides: Map<number, string>;
  ownership: { cachedSlots(): Iterable<number>; onSlotMoved(slot: number): void };
  topology: {
    shardFor(slot: number): { primary: { address: string } } | undefined;
    shards: { primary: { address: string } }[];
  };
}

let conn: ClusterConnection;
withCluster(
  (started) => {
    conn = started.conn;
  },
  { cache: {} },
);

const router = () => (conn as unknown as { router: RouterInternals }).router;
const keys = spreadKeys(200, 'refresh-unchanged:');

/** Counts the calls of the cache's ownership hooks until `restore` runs. */
function countOwnershipCalls() {
  const ownership = router().ownership;
  const calls = { cachedSlots: 0, moved: [] as number[] };
  const cachedSlots = ownership.cachedSlots;
  const onSlotMoved = ownership.onSlotMoved;
  ownership.cachedSlots = function (this: unknown) {
    calls.cachedSlots++;
    return cachedSlots.call(this);
  };
  ownership.onSlotMoved = function (this: unknown, slot: number) {
    calls.moved.push(slot);
    onSlotMoved.call(this, slot);
  };
  const restore = () => {
    ownership.cachedSlots = cachedSlots;
    ownership.onSlotMoved = onSlotMoved;
  };
  return { calls, restore };
}

describe(onServer('a refresh that finds the same slot map'), () => {
  beforeAll(async () => {
    for (const key of keys) await conn.uncached.set(key, 'v');
    for (const key of keys) expect(await conn.get(key)).toBe('v');
  });
  afterAll(() => conn.cache!.clear());

  it('walks none of the cached slots and keeps every cache entry', async () => {
    const entries = conn.cache!.stats().entries;
    expect(entries).toBe(keys.length);
    const { calls, restore } = countOwnershipCalls();
    try {
      await router().refresh();
    } finally {
      restore();
    }
    expect(calls).toEqual({ cachedSlots: 0, moved: [] });
    expect(conn.cache!.stats().entries).toBe(entries);
  });

  it('still reports a slot patched by MOVED as moved back, and drops its entries', async () => {
    const key = keys[0]!;
    const slot = slotOf(key);
    const owner = router().topology.shardFor(slot)!.primary.address;
    const other = router().topology.shards.find((shard) => shard.primary.address !== owner)!.primary.address;
    // What a MOVED reply naming another primary leaves behind (the map itself is only patched).
    router().slotOverrides.set(slot, other);
    const entries = conn.cache!.stats().entries;
    const { calls, restore } = countOwnershipCalls();
    try {
      await router().refresh();
    } finally {
      restore();
    }
    expect(calls.moved).toContain(slot);
    expect(router().slotOverrides.size).toBe(0);
    expect(conn.cache!.stats().entries).toBeLessThan(entries);
    expect(await conn.get(key)).toBe('v');
  });
});
