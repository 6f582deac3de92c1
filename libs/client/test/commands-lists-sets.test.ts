import { type DevStandalone, startStandalone, waitFor } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, type MultiplexedConnection } from '../src/index.js';
import { onServer } from './support/server.js';
import { untilBlocked } from './support/until-blocked.js';

let server: DevStandalone;
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});

describe.each([2, 3] as const)(onServer('list and set commands over RESP%i'), (protocol) => {
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
  it('pushes, pops, ranges', async () => {
    expect(await conn.rpush('l', 'a', 'b', 'c')).toBe(3);
    expect(await conn.lpush('l', ['z'])).toBe(4);
    expect(await conn.lpushx('missing', 'x')).toBe(0);
    expect(await conn.rpushx('l', 'd')).toBe(5);
    expect(await conn.lrange('l', 0, -1)).toEqual(['z', 'a', 'b', 'c', 'd']);
    expect(await conn.llen('l')).toBe(5);
    expect(await conn.lindex('l', -1)).toBe('d');
    expect(await conn.lindex('l', 99)).toBeNull();
    expect(await conn.lpop('l')).toBe('z');
    expect(await conn.rpop('l', 2)).toEqual(['d', 'c']);
    expect(await conn.lpop('missing')).toBeNull();
    expect(await conn.lpop('missing', 2)).toBeNull();
  });

  it('lset, linsert, lrem, ltrim, lpos', async () => {
    await conn.rpush('l', 'a', 'b', 'a', 'c', 'a');
    expect(await conn.lset('l', 1, 'B')).toBe('OK');
    expect(await conn.linsert('l', 'BEFORE', 'c', 'x')).toBe(6);
    expect(await conn.linsert('l', 'AFTER', 'nope', 'x')).toBe(-1);
    expect(await conn.lpos('l', 'a')).toBe(0);
    expect(await conn.lpos('l', 'a', { rank: -1 })).toBe(5);
    expect(await conn.lpos('l', 'a', { count: 0 })).toEqual([0, 2, 5]);
    expect(await conn.lpos('l', 'nope')).toBeNull();
    expect(await conn.lrem('l', 0, 'a')).toBe(3);
    expect(await conn.ltrim('l', 0, 1)).toBe('OK');
    expect(await conn.lrange('l', 0, -1)).toEqual(['B', 'x']);
  });

  it('lmove, lmpop', async () => {
    await conn.rpush('a', '1', '2', '3');
    expect(await conn.lmove('a', 'b', 'LEFT', 'RIGHT')).toBe('1');
    expect(await conn.lmove('missing', 'b', 'LEFT', 'RIGHT')).toBeNull();
    expect(await conn.lmpop(['missing', 'a'], 'RIGHT', { count: 5 })).toEqual({
      key: 'a',
      elements: ['3', '2'],
    });
    expect(await conn.lmpop('a', 'LEFT')).toBeNull();
  });

  it('blocking pops return at once when data is there, and time out with null', async () => {
    await conn.rpush('a', '1', '2', '3', '4');
    expect(await conn.blpop(['missing', 'a'], 1)).toEqual({ key: 'a', element: '1' });
    expect(await conn.brpop('a', 1)).toEqual({ key: 'a', element: '4' });
    expect(await conn.blmove('a', 'b', 'LEFT', 'LEFT', 1)).toBe('2');
    expect(await conn.brpoplpush('a', 'b', 1)).toBe('3');
    expect(await conn.blmpop('b', 'LEFT', 1, { count: 10 })).toEqual({ key: 'b', elements: ['3', '2'] });
    const started = Date.now();
    expect(await conn.blpop('empty', 0.2)).toBeNull();
    expect(await conn.blmpop(['empty'], 'LEFT', 0.1)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('a blocking pop is woken by a push from another caller', async () => {
    const waiting = conn.blpop('q', 5);
    await untilBlocked(conn);
    await conn.rpush('q', 'job');
    expect(await waiting).toEqual({ key: 'q', element: 'job' });
  });

  it('Buffer view of lists', async () => {
    const value = Buffer.from([0xff, 0x00]);
    await conn.rpush('l', value, 'x');
    expect(await conn.buffers.lrange('l', 0, -1)).toEqual([value, Buffer.from('x')]);
    expect(await conn.buffers.blpop('l', 1)).toEqual({ key: Buffer.from('l'), element: value });
  });

  it('set basics', async () => {
    expect(await conn.sadd('s', 'a', 'b', 'c')).toBe(3);
    expect(await conn.sadd('s', ['a'])).toBe(0);
    expect((await conn.smembers('s')).sort()).toEqual(['a', 'b', 'c']);
    expect(await conn.sismember('s', 'a')).toBe(true);
    expect(await conn.smismember('s', 'a', 'x')).toEqual([true, false]);
    expect(await conn.scard('s')).toBe(3);
    expect(await conn.srem('s', 'c', 'x')).toBe(1);
    expect(['a', 'b']).toContain(await conn.srandmember('s'));
    expect(await conn.srandmember('s', -4)).toHaveLength(4);
    expect(await conn.smove('s', 't', 'a')).toBe(true);
    expect(await conn.smove('s', 't', 'a')).toBe(false);
    expect(await conn.spop('s')).toBe('b');
    expect(await conn.spop('s')).toBeNull();
    expect(await conn.spop('t', 5)).toEqual(['a']);
  });

  it('set algebra', async () => {
    await conn.sadd('a', '1', '2', '3');
    await conn.sadd('b', '2', '3', '4');
    expect((await conn.sinter('a', 'b')).sort()).toEqual(['2', '3']);
    expect((await conn.sunion(['a', 'b'])).sort()).toEqual(['1', '2', '3', '4']);
    expect(await conn.sdiff('a', 'b')).toEqual(['1']);
    expect(await conn.sinterstore('i', 'a', 'b')).toBe(2);
    expect(await conn.sunionstore('u', 'a', 'b')).toBe(4);
    expect(await conn.sdiffstore('d', 'b', 'a')).toBe(1);
    expect(await conn.sintercard(['a', 'b'])).toBe(2);
    expect(await conn.sintercard(['a', 'b'], { limit: 1 })).toBe(1);
    const page = await conn.sscan('u', 0, { count: 100 });
    expect(page.cursor).toBe('0');
    expect(page.members.sort()).toEqual(['1', '2', '3', '4']);
  });

  it('Buffer view of sets', async () => {
    const member = Buffer.from([0xc3, 0x28]);
    await conn.sadd('s', member);
    expect(await conn.buffers.smembers('s')).toEqual([member]);
    expect(await conn.buffers.sscan('s', 0)).toEqual({ cursor: '0', members: [member] });
    expect(await conn.sismember('s', member)).toBe(true);
  });
});

describe(onServer('a blocking command inside watch()'), () => {
  it('waits out its own block time, not just the command timeout', async () => {
    const manager = await new Client({ host: '127.0.0.1', port: server.port }).getConnectionManager({
      commandTimeoutMs: 300,
    });
    try {
      await manager.del('watched-queue');
      const popped = manager.watch(['watched-queue'], (tx) => tx.blpop('watched-queue', 10));
      // The server's own clock: CLIENT LIST counts whole seconds, so idle=2 means blocked for over a second, more
      // than three command timeouts.
      const blockedSeconds = async () => {
        const line = String(await server.admin('CLIENT', 'LIST'))
          .split('\n')
          .find((entry) => entry.includes('cmd=blpop') && / flags=\S*b/.test(entry)); // blocked now
        return Number(/ idle=(\d+)/.exec(line ?? '')?.[1] ?? -1);
      };
      await waitFor(async () => (await blockedSeconds()) >= 2, {
        timeoutMs: 5000,
        message: 'the BLPOP to stay blocked on the server for over a second',
      });
      await manager.rpush('watched-queue', 'job');
      expect(await popped).toEqual({ key: 'watched-queue', element: 'job' });
    } finally {
      manager.destroy();
    }
  });
});
