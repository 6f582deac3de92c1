// Table-driven routing of every command that has keys (one sample per command, generated from the command specs):
// it reaches the node that owns its keys' slot and no other (the servers' own command counters say so), the
// client finds the keys the server finds (COMMAND GETKEYS), and keys in two slots are split where Redis allows it
// (MGET, MSET, DEL, UNLINK, EXISTS, TOUCH) and refused with CrossSlotError, before sending, everywhere else.
import { type DevCluster, type DevClusterNode, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIndexes } from '../src/commands/command-info.js';
import { ClusterClient, type ClusterConnection, CrossSlotError } from '../src/index.js';
import { tagOn } from './cluster-helpers.js';
import { COMMAND_SAMPLES, type CommandSample } from './generated/command-samples.js';
import { onTestServer, serverHas } from './support/command-availability.js';

let cluster: DevCluster;
let conn: ClusterConnection;

beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  await cluster.refresh();
  conn = await new ClusterClient(cluster.seeds).getConnection();
});
afterAll(async () => {
  conn?.destroy();
  await cluster?.stop();
});

/** What INFO commandstats says of one command on one node. */
interface Counters {
  calls: number;
  failed: number;
  rejected: number;
}

/** Every node's counters of `stat` (`get`, `object|encoding`). */
async function countersOf(stat: string): Promise<Counters[]> {
  return Promise.all(
    cluster.primaries.map(async (node) => {
      const text = String(await cluster.admin(node, 'INFO', 'commandstats'));
      const line = new RegExp(`^cmdstat_${stat.replace(/[|]/g, '\\|')}:(.*)$`, 'm').exec(text)?.[1] ?? '';
      const field = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(line)?.[1] ?? 0);
      return { calls: field('calls'), failed: field('failed_calls'), rejected: field('rejected_calls') };
    }),
  );
}

/** How many times each node ran (`ran`) or redirected (`rejected`) the command while `work` ran. */
async function seenBy(sample: CommandSample, work: () => Promise<unknown>) {
  const stat = sample.command.toLowerCase().replace(' ', '|');
  const before = await countersOf(stat);
  const outcome = await work().then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  const after = await countersOf(stat);
  const ran = after.map((counters, i) => counters.calls - before[i]!.calls);
  const rejected = after.map((counters, i) => counters.rejected - before[i]!.rejected);
  return { ...outcome, ran, rejected };
}

/** The sample's arguments with its keys put in place. */
function argsWith(args: readonly (string | number)[], keys: readonly string[]): (string | number)[] {
  return args.map((arg) =>
    typeof arg === 'string' && arg.startsWith('$key') ? keys[Number(arg.slice(4))]! : arg,
  );
}

function keyCount(args: readonly (string | number)[]): number {
  return args.filter((arg) => typeof arg === 'string' && arg.startsWith('$key')).length;
}

/** The node that owns `key`, by the server's own hash (CLUSTER KEYSLOT) and the cluster's slot map. */
async function ownerOfKey(key: string): Promise<DevClusterNode> {
  const slot = Number(await cluster.admin(cluster.primaries[0]!, 'CLUSTER', 'KEYSLOT', key));
  return cluster.ownerOf(slot)!;
}

const samples = COMMAND_SAMPLES.filter((sample) => serverHas(sample.command));
const SPLIT = new Set(['MGET', 'MSET', 'DEL', 'UNLINK', 'EXISTS', 'TOUCH']);

describe(onTestServer('every command with keys goes to the owner of its keys'), () => {
  it.each(samples.map((sample, i) => [sample.command, sample, i] as const))('%s', async (_, sample, i) => {
    const node = cluster.primaries[i % cluster.primaries.length]!;
    const tag = tagOn(cluster, node, `r${i}`);
    const keys = Array.from({ length: keyCount(sample.args) }, (_, n) => `${tag}${n}`);
    const owner = await ownerOfKey(keys[0]!);
    expect(owner.id).toBe(node.id);
    const seen = await seenBy(sample, () => conn.call(sample.name, ...argsWith(sample.args, keys)));
    // A reply error (a wrong type, a missing group) is fine: the command reached a node that ran it.
    expect(seen.error).not.toBeInstanceOf(CrossSlotError);
    expect(seen.rejected, 'no node redirected it').toEqual(cluster.primaries.map(() => 0));
    expect(seen.ran, 'only the owner ran it').toEqual(cluster.primaries.map((p) => (p === owner ? 1 : 0)));
  });
});

describe(onTestServer('the client finds the keys the server finds'), () => {
  it('for every sample, keyIndexes agrees with COMMAND GETKEYS', async () => {
    const node = cluster.primaries[0]!;
    let compared = 0;
    for (const sample of samples) {
      for (const args of [sample.args, sample.multiKeyArgs ?? sample.args]) {
        const keys = Array.from({ length: keyCount(args) }, (_, n) => `key${n}`);
        const full = argsWith(args, keys);
        const server = await cluster
          .admin(node, 'COMMAND', 'GETKEYS', sample.name, ...full)
          .catch(() => undefined);
        // The server cannot tell the keys of some commands (SORT's patterns aside, a shard channel is no key).
        if (!Array.isArray(server)) continue;
        expect(
          keyIndexes(sample.name, full).map((index) => full[index]),
          sample.command,
        ).toEqual(server);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(samples.length);
  });
});

describe(onTestServer('keys in two slots'), () => {
  const multi = samples.filter((sample) => sample.multiKeyArgs !== undefined);
  it.each(multi.map((sample, i) => [sample.command, sample, i] as const))('%s', async (_, sample, i) => {
    const args = sample.multiKeyArgs!;
    const first = cluster.primaries[i % cluster.primaries.length]!;
    const second = cluster.primaries[(i + 1) % cluster.primaries.length]!;
    const tags = [tagOn(cluster, first, `a${i}`), tagOn(cluster, second, `b${i}`)];
    // The first key on one node, every other key on another.
    const keys = Array.from({ length: keyCount(args) }, (_, n) => `${tags[n === 0 ? 0 : 1]}${n}`);
    const seen = await seenBy(sample, () => conn.call(sample.name, ...argsWith(args, keys)));
    expect(seen.rejected, 'no node redirected it').toEqual(cluster.primaries.map(() => 0));
    if (SPLIT.has(sample.name)) {
      expect(seen.error).toBeUndefined();
      expect(seen.ran, 'one part per node').toEqual(
        cluster.primaries.map((p) => (p === first || p === second ? 1 : 0)),
      );
    } else {
      expect(seen.error).toBeInstanceOf(CrossSlotError);
      expect(seen.error).toMatchObject({ code: 'ERR_KEYSLOT_CROSS_SLOT' });
      expect(seen.ran, 'nothing was sent').toEqual(cluster.primaries.map(() => 0));
    }
  });
});
