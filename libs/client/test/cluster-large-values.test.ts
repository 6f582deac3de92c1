// Values of more than 1 MiB through a real cluster, in RESP2 and RESP3: the encoder writes such arguments from the
// caller's own bytes, in parts around the rest of the command, and the connection writes the parts in order
// between the other commands of the same flush.
import { randomBytes } from 'node:crypto';
import type { DevCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterConnection } from '../src/index.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

let cluster: DevCluster;
withCluster((started) => ({ cluster } = started));

const MIB = 1024 * 1024;

for (const protocol of [2, 3] as const) {
  describe(onServer(`values over 1 MiB, RESP${protocol}`), () => {
    let conn: ClusterConnection;
    beforeAll(async () => {
      conn = await new ClusterClient(cluster.seeds, { protocol }).getConnection();
    });
    afterAll(async () => {
      await conn?.close();
    });

    it('SET then GET returns the very bytes of a 1.5 MiB value', async () => {
      const value = randomBytes(1.5 * MIB);
      expect(await conn.set(`large:${protocol}`, value)).toBe('OK');
      const read = await conn.buffers.get(`large:${protocol}`);
      expect(read?.length).toBe(value.length);
      expect(Buffer.compare(read!, value)).toBe(0);
      expect(await conn.strlen(`large:${protocol}`)).toBe(value.length);
    });

    it('large and small commands issued in one tick on one node keep their order and their bytes', async () => {
      const tag = `{order${protocol}}`;
      const values = [
        randomBytes(MIB + 1),
        randomBytes(64 * 1024),
        randomBytes(64 * 1024 - 1),
        randomBytes(2 * MIB),
      ];
      const writes = values.flatMap((value, i) => [
        conn.set(`${tag}:big${i}`, value),
        conn.set(`${tag}:small${i}`, `small ${i}`),
      ]);
      // Two large arguments in one command, with a small binary one between them.
      writes.push(
        conn.mset({
          [`${tag}:m1`]: values[0]!,
          [`${tag}:m2`]: Buffer.from([0, 13, 10]),
          [`${tag}:m3`]: values[3]!,
        }),
      );
      expect(await Promise.all(writes)).toEqual(Array(writes.length).fill('OK'));
      const reads = await Promise.all([
        ...values.map((_, i) => conn.buffers.get(`${tag}:big${i}`)),
        ...values.map((_, i) => conn.get(`${tag}:small${i}`)),
        conn.buffers.mget([`${tag}:m1`, `${tag}:m2`, `${tag}:m3`]),
      ]);
      for (let i = 0; i < values.length; i++) expect(Buffer.compare(reads[i] as Buffer, values[i]!)).toBe(0);
      expect(reads.slice(values.length, 2 * values.length)).toEqual(values.map((_, i) => `small ${i}`));
      const [m1, m2, m3] = reads.at(-1) as Buffer[];
      expect(Buffer.compare(m1!, values[0]!)).toBe(0);
      expect(m2).toEqual(Buffer.from([0, 13, 10]));
      expect(Buffer.compare(m3!, values[3]!)).toBe(0);
    });

    it('a batch across slots carries 1 MiB values to every primary', async () => {
      const keys = Array.from({ length: 6 }, (_, i) => `batch${protocol}:${i}`);
      const values = keys.map(() => randomBytes(MIB + 7));
      const batch = conn.batch();
      for (const [i, key] of keys.entries()) batch.set(key, values[i]!);
      for (const key of keys) batch.strlen(key);
      const results = await batch.exec();
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual([
        ...keys.map(() => 'OK'),
        ...keys.map(() => MIB + 7),
      ]);
      const read = await Promise.all(keys.map((key) => conn.buffers.get(key)));
      for (const [i, bytes] of read.entries()) expect(Buffer.compare(bytes!, values[i]!)).toBe(0);
    });
  });
}
