// Commands no spec knows (a module's): the cluster connection learns their key positions and flags from COMMAND
// INFO when it connects, so `call()` routes them to the owner of their keys and refuses keys in two slots before
// sending. The module is the servers' own test module `keyspecs`, built from the release sources (the tests are
// registered only where it can be built).
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandFlags, keyIndexes } from '../src/commands/command-info.js';
import { ClusterClient, type ClusterConnection, CrossSlotError } from '../src/index.js';
import { tagOn } from './cluster-helpers.js';
import { onTestServer } from './support/command-availability.js';
import { keyspecsModule, moduleBuildable, removeKeyspecsModule } from './support/test-module.js';

/** Module commands and an argument list of each, with `$0`, `$1`... where keys go (per the module's own specs). */
const SAMPLES: readonly [string, readonly string[]][] = [
  ['kspec.none', ['$0', 'v', '$1', 'v']],
  // Its keys are told by a callback (getkeys-api) as well as by its legacy range: both agree.
  ['kspec.nonewithgetkeys', ['$0', 'v', '$1', 'v']],
  ['kspec.tworanges', ['$0', '$1']],
  ['kspec.keyword', ['x', 'KEYS', '$0', '$1']],
  ['kspec.complex1', ['$0', 'STORE', '$1', 'KEYS', '1', '$2']],
  ['kspec.complex2', ['$0', '$1', '1', '$2', 'STORE', '$3', 'MOREKEYS', '$4', '$5']],
];

if (moduleBuildable) {
  let cluster: DevCluster;
  let conn: ClusterConnection;

  beforeAll(async () => {
    cluster = await startCluster({
      primaries: 3,
      replicasPerPrimary: 0,
      extraConfig: `loadmodule ${keyspecsModule()}`,
    });
    await cluster.refresh();
    // Nothing knows the module's commands until a connection asks.
    expect(commandFlags('kspec.keyword').known).toBe(false);
    conn = await new ClusterClient(cluster.seeds).getConnection();
  });
  afterAll(async () => {
    conn?.destroy();
    await cluster?.stop();
    removeKeyspecsModule();
  });

  const place = (args: readonly string[], keys: readonly string[]) =>
    args.map((arg) => (arg.startsWith('$') ? keys[Number(arg.slice(1))]! : arg));

  describe(onTestServer('module commands, learned from COMMAND INFO at connect'), () => {
    it('are known, with their flags, in any case', () => {
      expect(commandFlags('kspec.keyword')).toMatchObject({ known: true, readonly: false, write: false });
      expect(commandFlags('KSPEC.COMPLEX1').known).toBe(true);
      expect(commandFlags('kspec.no-such-command').known).toBe(false);
    });

    it.each(SAMPLES)(
      '%s: the client finds the keys the server finds (COMMAND GETKEYS)',
      async (name, sample) => {
        const args = place(sample, ['a', 'b', 'c', 'd', 'e', 'f']);
        const server = await cluster.admin(cluster.primaries[0]!, 'COMMAND', 'GETKEYS', name, ...args);
        expect(keyIndexes(name, args).map((index) => args[index])).toEqual(server);
      },
    );

    it.each(SAMPLES)('%s: goes to the owner of its keys, and nowhere else', async (name, sample) => {
      const owner = cluster.primaries[1]!;
      const tag = tagOn(cluster, owner, name);
      const args = place(
        sample,
        ['a', 'b', 'c', 'd', 'e', 'f'].map((suffix) => `${tag}${suffix}`),
      );
      const calls = async () =>
        Promise.all(
          cluster.primaries.map(async (node) => {
            const text = String(await cluster.admin(node, 'INFO', 'commandstats'));
            const line = new RegExp(`^cmdstat_${name.replace('.', '\\.')}:(.*)$`, 'm').exec(text)?.[1] ?? '';
            return [
              Number(/calls=(\d+)/.exec(line)?.[1] ?? 0),
              Number(/rejected_calls=(\d+)/.exec(line)?.[1] ?? 0),
            ];
          }),
        );
      const before = await calls();
      expect(await conn.call(name, ...args)).toBe('OK');
      const after = await calls();
      const ran = after.map(([ran], i) => ran! - before[i]![0]!);
      const rejected = after.map(([, rejected], i) => rejected! - before[i]![1]!);
      expect(rejected, 'no node redirected it').toEqual([0, 0, 0]);
      expect(ran, 'only the owner ran it').toEqual(cluster.primaries.map((node) => (node === owner ? 1 : 0)));
    });

    it('keys in two slots fail before sending, naming the slots', async () => {
      const [first, second] = cluster.primaries;
      const error = await conn
        .call('kspec.tworanges', `${tagOn(cluster, first!)}a`, `${tagOn(cluster, second!)}b`)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrossSlotError);
      expect((error as CrossSlotError).slots).toHaveLength(2);
    });
  });
}
