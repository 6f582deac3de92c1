import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import type { RedisCommands } from '../../../src/commands/redis-commands.js';
import { buf, FakeConnection } from '../../support/fake-connection.js';

type Case = [string, (conn: RedisCommands<string>) => Promise<unknown>, RedisArg[]];

describe('list commands: arguments', () => {
  const cases: Case[] = [
    ['lpush', (c) => c.lpush('l', 'a', 'b'), ['LPUSH', 'l', 'a', 'b']],
    ['rpush array', (c) => c.rpush('l', ['a', 'b']), ['RPUSH', 'l', 'a', 'b']],
    ['lpushx', (c) => c.lpushx('l', 'a'), ['LPUSHX', 'l', 'a']],
    ['rpushx', (c) => c.rpushx('l', 1), ['RPUSHX', 'l', 1]],
    ['lpop', (c) => c.lpop('l'), ['LPOP', 'l']],
    ['lpop count', (c) => c.lpop('l', 2), ['LPOP', 'l', 2]],
    ['rpop', (c) => c.rpop('l'), ['RPOP', 'l']],
    ['rpop count', (c) => c.rpop('l', 3), ['RPOP', 'l', 3]],
    ['llen', (c) => c.llen('l'), ['LLEN', 'l']],
    ['lrange', (c) => c.lrange('l', 0, -1), ['LRANGE', 'l', 0, -1]],
    ['lindex', (c) => c.lindex('l', -1), ['LINDEX', 'l', -1]],
    ['lset', (c) => c.lset('l', 0, 'x'), ['LSET', 'l', 0, 'x']],
    ['linsert', (c) => c.linsert('l', 'BEFORE', 'p', 'x'), ['LINSERT', 'l', 'BEFORE', 'p', 'x']],
    ['lrem', (c) => c.lrem('l', -2, 'x'), ['LREM', 'l', -2, 'x']],
    ['ltrim', (c) => c.ltrim('l', 1, 5), ['LTRIM', 'l', 1, 5]],
    ['lpos', (c) => c.lpos('l', 'x'), ['LPOS', 'l', 'x']],
    [
      'lpos options',
      (c) => c.lpos('l', 'x', { rank: -1, count: 0, maxlen: 100 }),
      ['LPOS', 'l', 'x', 'RANK', -1, 'COUNT', 0, 'MAXLEN', 100],
    ],
    ['lmove', (c) => c.lmove('a', 'b', 'LEFT', 'RIGHT'), ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT']],
    ['lmpop one key', (c) => c.lmpop('a', 'LEFT'), ['LMPOP', 1, 'a', 'LEFT']],
    [
      'lmpop keys count',
      (c) => c.lmpop(['a', 'b'], 'RIGHT', { count: 5 }),
      ['LMPOP', 2, 'a', 'b', 'RIGHT', 'COUNT', 5],
    ],
    ['blpop', (c) => c.blpop('a', 0), ['BLPOP', 'a', 0]],
    ['brpop keys', (c) => c.brpop(['a', 'b'], 1.5), ['BRPOP', 'a', 'b', 1.5]],
    ['blmove', (c) => c.blmove('a', 'b', 'RIGHT', 'LEFT', 2), ['BLMOVE', 'a', 'b', 'RIGHT', 'LEFT', 2]],
    [
      'blmpop',
      (c) => c.blmpop(['a', 'b'], 'LEFT', 0.5, { count: 2 }),
      ['BLMPOP', 0.5, 2, 'a', 'b', 'LEFT', 'COUNT', 2],
    ],
    ['brpoplpush', (c) => c.brpoplpush('a', 'b', 3), ['BRPOPLPUSH', 'a', 'b', 3]],
  ];

  it.each(cases)('%s', async (_, call, words) => {
    const conn = new FakeConnection().reply(null);
    await call(conn);
    expect(conn.words).toEqual(words);
  });
});

describe('list commands: replies', () => {
  it('blpop / brpop: { key, element } or null on timeout', async () => {
    const conn = new FakeConnection().reply(['l', 'x'], null, [buf('l'), buf('y')]);
    expect(await conn.blpop('l', 1)).toEqual({ key: 'l', element: 'x' });
    expect(await conn.brpop('l', 1)).toBeNull();
    expect(await conn.buffers.blpop('l', 1)).toEqual({ key: buf('l'), element: buf('y') });
    expect(conn.last.returnBuffers).toBe(true);
  });

  it('lmpop / blmpop: { key, elements } or null', async () => {
    const conn = new FakeConnection().reply(['l', ['a', 'b']], null);
    expect(await conn.lmpop('l', 'LEFT', { count: 2 })).toEqual({ key: 'l', elements: ['a', 'b'] });
    expect(await conn.blmpop('l', 'LEFT', 1)).toBeNull();
  });

  it('lpos gives an index, null, or a list with count', async () => {
    const conn = new FakeConnection().reply(3, null, [1, 4]);
    expect(await conn.lpos('l', 'x')).toBe(3);
    expect(await conn.lpos('l', 'y')).toBeNull();
    expect(await conn.lpos('l', 'x', { count: 0 })).toEqual([1, 4]);
  });

  it('pops follow the view', async () => {
    const conn = new FakeConnection().reply([buf('a')]);
    expect(await conn.buffers.lpop('l', 1)).toEqual([buf('a')]);
    expect(conn.last.returnBuffers).toBe(true);
  });
});
