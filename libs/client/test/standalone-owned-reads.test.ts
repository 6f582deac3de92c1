// A plain TCP connection reads every reply into one buffer it reuses, and large bulk strings straight into their
// own buffers: values handed out must stay byte for byte what the server sent after later reads overwrite that
// buffer. Values over 1 MiB and many small ones interleaved on one connection, RESP2 and RESP3.
import { randomBytes } from 'node:crypto';
import { type DevStandalone, startStandalone, waitFor } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type MultiplexedConnection } from '../src/index.js';
import { onServer } from './support/server.js';

let server: DevStandalone;
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});

const MIB = 1024 * 1024;

for (const protocol of [2, 3] as const) {
  describe(onServer(`replies read into a reused buffer, RESP${protocol}`), () => {
    let conn: MultiplexedConnection;
    const pushes: unknown[][] = [];
    beforeAll(async () => {
      conn = await new Client({ host: '127.0.0.1', port: server.port, protocol }).getMultiplexedConnection({
        onPush: (push) => pushes.push(push),
      });
    });
    afterAll(async () => {
      await conn?.close();
    });

    /** Large and small values, written, then read back in one tick, interleaved. */
    async function roundTrip(prefix: string): Promise<{ expected: Buffer[]; read: Buffer[] }> {
      const expected: Buffer[] = [];
      for (let i = 0; i < 240; i++) {
        // A large value every 40: 1 MiB and more, some not a multiple of anything a read would be.
        expected.push(i % 40 === 0 ? randomBytes(MIB + 1 + i * 977) : randomBytes(1 + (i % 37)));
      }
      await Promise.all(expected.map((value, i) => conn.set(`${prefix}:${i}`, value)));
      const read = await Promise.all(expected.map((_, i) => conn.buffers.get(`${prefix}:${i}`)));
      return { expected, read: read as Buffer[] };
    }

    it('values over 1 MiB and small ones interleaved stay byte for byte after later reads reuse the buffer', async () => {
      const first = await roundTrip(`owned${protocol}a`);
      // A second round overwrites the read buffer many times over: the first round's values must not change.
      const second = await roundTrip(`owned${protocol}b`);
      for (const { expected, read } of [first, second]) {
        expect(read.map((value) => value.length)).toEqual(expected.map((value) => value.length));
        for (const [i, value] of read.entries()) expect(Buffer.compare(value, expected[i]!)).toBe(0);
      }
    });

    it('large text values decode once complete, with the small replies after them intact', async () => {
      const text = 'é€'.repeat(300_000); // multi-byte characters across every read boundary
      await conn.set(`text${protocol}`, text);
      await conn.set(`small${protocol}`, 'small');
      const [large, small, again] = await Promise.all([
        conn.get(`text${protocol}`),
        conn.get(`small${protocol}`),
        conn.get(`text${protocol}`),
      ]);
      expect(large).toBe(text);
      expect(small).toBe('small');
      expect(again).toBe(text);
    });

    it('a RESP3 pub/sub message over 1 MiB arrives whole, with the replies after it', async () => {
      if (protocol === 2) return expect(conn.protocol).toBe(2);
      const message = randomBytes(MIB / 2 + 3).toString('hex');
      await conn.subscribeCommand('SUBSCRIBE', [`big${protocol}`]);
      const publisher = await new Client({ host: '127.0.0.1', port: server.port }).getMultiplexedConnection();
      try {
        expect(await publisher.call('PUBLISH', `big${protocol}`, message)).toBe(1);
        await waitFor(() => pushes.some((push) => push[0] === 'message'), {
          timeoutMs: 5_000,
          message: 'the published message to arrive',
        });
      } finally {
        await publisher.close();
      }
      const push = pushes.find((p) => p[0] === 'message')!;
      expect(push).toEqual(['message', `big${protocol}`, message]);
      expect(await conn.call('PING')).toBe('PONG');
    });
  });
}
