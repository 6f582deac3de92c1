import { type DevStandalone, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, type MultiplexedConnection } from '../src/index.js';
import { onServer } from './support/server.js';

let server: DevStandalone;
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});

describe.each([2, 3] as const)(onServer('hash commands over RESP%i'), (protocol) => {
  let conn: MultiplexedConnection;
  beforeAll(async () => {
    conn = await new Client({ host: '127.0.0.1', port: server.port }).getMultiplexedConnection({ protocol });
  });
  afterAll(async () => {
    await conn?.close();
  });
  beforeEach(async () => {
    await conn.flushall();
  });

  it('hset, hget, hmget, hgetall, hlen, hkeys, hvals', async () => {
    expect(await conn.hset('h', { a: '1', b: 2 })).toBe(2);
    expect(await conn.hset('h', 'c', '3')).toBe(1);
    expect(await conn.hset('h', new Map([['a', 'x']]))).toBe(0);
    expect(await conn.hget('h', 'a')).toBe('x');
    expect(await conn.hget('h', 'missing')).toBeNull();
    expect(await conn.hmget('h', 'a', 'missing', 'c')).toEqual(['x', null, '3']);
    const all = await conn.hgetall('h');
    expect(all).toEqual({ a: 'x', b: '2', c: '3' });
    expect(Object.getPrototypeOf(all)).toBeNull();
    expect(await conn.hgetall('missing')).toEqual({});
    expect(await conn.hlen('h')).toBe(3);
    expect((await conn.hkeys('h')).sort()).toEqual(['a', 'b', 'c']);
    expect((await conn.hvals('h')).sort()).toEqual(['2', '3', 'x']);
  });

  it('hgetall keeps a field named __proto__', async () => {
    await conn.hset('h', { ['__proto__']: 'p', constructor: 'c' });
    const all = await conn.hgetall('h');
    expect(Object.keys(all).sort()).toEqual(['__proto__', 'constructor']);
    expect(all.constructor).toBe('c');
  });

  it('hdel, hexists, hsetnx, hstrlen, counters', async () => {
    await conn.hset('h', { a: '1', b: 'hello' });
    expect(await conn.hexists('h', 'a')).toBe(true);
    expect(await conn.hdel('h', 'a', 'missing')).toBe(1);
    expect(await conn.hexists('h', 'a')).toBe(false);
    expect(await conn.hsetnx('h', 'b', 'x')).toBe(false);
    expect(await conn.hsetnx('h', 'c', 'x')).toBe(true);
    expect(await conn.hstrlen('h', 'b')).toBe(5);
    expect(await conn.hincrby('h', 'n', 5)).toBe(5);
    expect(await conn.hincrbyfloat('h', 'n', 0.25)).toBe(5.25);
  });

  it('hrandfield, with values, and hscan', async () => {
    expect(await conn.hrandfield('missing')).toBeNull();
    await conn.hset('h', { a: '1', b: '2' });
    expect(['a', 'b']).toContain(await conn.hrandfield('h'));
    expect((await conn.hrandfield('h', 5)).sort()).toEqual(['a', 'b']);
    expect(await conn.hrandfield('h', -3)).toHaveLength(3);
    const pairs = await conn.hrandfieldWithValues('h', 2);
    expect(pairs.sort((x, y) => x.field.localeCompare(y.field))).toEqual([
      { field: 'a', value: '1' },
      { field: 'b', value: '2' },
    ]);
    const page = await conn.hscan('h', 0, { match: '*', count: 100 });
    expect(page).toEqual({ cursor: '0', fields: { a: '1', b: '2' } });
  });

  it('Buffer view: non-UTF-8 field names and values are byte-exact, and never collapse', async () => {
    // 0xff and 0xfe are both invalid UTF-8: decoded as text they would both become U+FFFD.
    const f1 = Buffer.from([0xff]);
    const f2 = Buffer.from([0xfe]);
    const f3 = Buffer.from([0x00, 0xc3, 0x28]);
    const v1 = Buffer.from([0x80, 0x81]);
    const v2 = Buffer.from([0x00]);
    const v3 = Buffer.from([0xf0, 0x9f]);
    expect(
      await conn.hset(
        'bin',
        new Map([
          [f1, v1],
          [f2, v2],
          [f3, v3],
        ]),
      ),
    ).toBe(3);

    const all = await conn.buffers.hgetall('bin');
    expect(all).toBeInstanceOf(Map);
    expect(all.size).toBe(3);
    const entries = [...all.entries()].sort((x, y) => Buffer.compare(x[0], y[0]));
    expect(entries).toEqual([
      [f3, v3],
      [f2, v2],
      [f1, v1],
    ]);

    expect(await conn.buffers.hget('bin', f1)).toEqual(v1);
    expect(await conn.buffers.hmget('bin', f2, f3)).toEqual([v2, v3]);
    expect((await conn.buffers.hkeys('bin')).sort(Buffer.compare)).toEqual([f3, f2, f1]);
    expect((await conn.buffers.hvals('bin')).sort(Buffer.compare)).toEqual([v2, v1, v3].sort(Buffer.compare));
    const page = await conn.buffers.hscan('bin', 0, { count: 100 });
    expect(page.fields.size).toBe(3);
    const random = await conn.buffers.hrandfieldWithValues('bin', 3);
    expect(random).toHaveLength(3);
    for (const { field, value } of random) {
      expect(entries.find(([f]) => f.equals(field))?.[1]).toEqual(value);
    }
  });
});
