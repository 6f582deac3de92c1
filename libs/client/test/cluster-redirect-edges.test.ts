// Redirects outside the single-command path, against one real 3+3 cluster: a MULTI/EXEC whose key already moved to
// the importing node of a half-done migration (ASK).
import { type DevCluster } from '@keyslot/dev-cluster';
import { describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../src/index.js';
import { callsOf, settle, slotOf, tagOn } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

let cluster: DevCluster;
let conn: ClusterConnection;
withCluster((started) => ({ cluster, conn } = started));

describe(onServer('redirects of transactions'), () => {
  it('a MULTI/EXEC on a key already migrated (ASK) runs once, on the importing node, after ASKING', async () => {
    await cluster.refresh();
    const [source, target] = [cluster.primaries[0]!, cluster.primaries[1]!];
    const tag = tagOn(cluster, source, 'tx-ask');
    const slot = slotOf(tag);
    const moved = `${tag}:counter`;
    expect(await conn.set(moved, '1')).toBe('OK');
    await cluster.admin(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
    await cluster.admin(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
    await cluster.admin(source, 'MIGRATE', '127.0.0.1', target.port, '', 0, 5000, 'KEYS', moved);

    const execBefore = await callsOf(cluster, target, 'exec');
    const askingBefore = await callsOf(cluster, target, 'asking');
    const tx = conn.multi();
    void tx.incr(moved);
    const result = await settle(tx.exec());
    expect(result.ok ? result.value : result.error.message).toEqual([2]);
    expect(await callsOf(cluster, target, 'exec')).toBe(execBefore + 1);
    expect(await callsOf(cluster, target, 'asking')).toBe(askingBefore + 1);

    await cluster.moveSlots([slot], target);
    expect(await conn.get(moved)).toBe('2');
  });
});
