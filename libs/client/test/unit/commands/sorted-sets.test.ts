import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import type { RedisCommands } from '../../../src/commands/redis-commands.js';
import { buf, FakeConnection } from '../../support/fake-connection.js';

type Case = [string, (conn: RedisCommands<string>) => Promise<unknown>, RedisArg[]];

describe('sorted-set commands: arguments', () => {
  const cases: Case[] = [
    ['zadd one', (c) => c.zadd('z', { score: 1, value: 'a' }), ['ZADD', 'z', 1, 'a']],
    [
      'zadd many with options',
      (c) =>
        c.zadd(
          'z',
          [
            { score: 1, value: 'a' },
            { score: '+inf', value: 'b' },
          ],
          { xx: true, gt: true, ch: true },
        ),
      ['ZADD', 'z', 'XX', 'GT', 'CH', 1, 'a', '+inf', 'b'],
    ],
    [
      'zadd nx lt',
      (c) => c.zadd('z', [{ score: 2, value: 'a' }], { nx: true, lt: true }),
      ['ZADD', 'z', 'NX', 'LT', 2, 'a'],
    ],
    [
      'zadd incr',
      (c) => c.zadd('z', { score: 2, value: 'a' }, { incr: true }),
      ['ZADD', 'z', 'INCR', 2, 'a'],
    ],
    ['zincrby', (c) => c.zincrby('z', 1.5, 'a'), ['ZINCRBY', 'z', 1.5, 'a']],
    ['zscore', (c) => c.zscore('z', 'a'), ['ZSCORE', 'z', 'a']],
    ['zmscore', (c) => c.zmscore('z', 'a', 'b'), ['ZMSCORE', 'z', 'a', 'b']],
    ['zrank', (c) => c.zrank('z', 'a'), ['ZRANK', 'z', 'a']],
    ['zrevrank', (c) => c.zrevrank('z', 'a'), ['ZREVRANK', 'z', 'a']],
    ['zrem', (c) => c.zrem('z', ['a', 'b']), ['ZREM', 'z', 'a', 'b']],
    ['zcard', (c) => c.zcard('z'), ['ZCARD', 'z']],
    ['zcount', (c) => c.zcount('z', '(1', '+inf'), ['ZCOUNT', 'z', '(1', '+inf']],
    ['zrange', (c) => c.zrange('z', 0, -1), ['ZRANGE', 'z', 0, -1]],
    [
      'zrange by score rev limit',
      (c) => c.zrange('z', '+inf', '(5', { by: 'SCORE', rev: true, limit: { offset: 2, count: 10 } }),
      ['ZRANGE', 'z', '+inf', '(5', 'BYSCORE', 'REV', 'LIMIT', 2, 10],
    ],
    [
      'zrange by lex',
      (c) => c.zrange('z', '[a', '-', { by: 'LEX', rev: true }),
      ['ZRANGE', 'z', '[a', '-', 'BYLEX', 'REV'],
    ],
    ['zrangeWithScores', (c) => c.zrangeWithScores('z', 0, 1), ['ZRANGE', 'z', 0, 1, 'WITHSCORES']],
    [
      'zrangeWithScores by score',
      (c) => c.zrangeWithScores('z', 1, 2, { by: 'SCORE' }),
      ['ZRANGE', 'z', 1, 2, 'BYSCORE', 'WITHSCORES'],
    ],
    [
      'zrangestore',
      (c) => c.zrangestore('d', 's', 0, 5, { rev: true }),
      ['ZRANGESTORE', 'd', 's', 0, 5, 'REV'],
    ],
    ['zremrangebyrank', (c) => c.zremrangebyrank('z', 0, 1), ['ZREMRANGEBYRANK', 'z', 0, 1]],
    ['zremrangebyscore', (c) => c.zremrangebyscore('z', '-inf', 5), ['ZREMRANGEBYSCORE', 'z', '-inf', 5]],
    ['zremrangebylex', (c) => c.zremrangebylex('z', '[a', '(c'), ['ZREMRANGEBYLEX', 'z', '[a', '(c']],
    ['zpopmin', (c) => c.zpopmin('z'), ['ZPOPMIN', 'z']],
    ['zpopmin count', (c) => c.zpopmin('z', 2), ['ZPOPMIN', 'z', 2]],
    ['zpopmax', (c) => c.zpopmax('z'), ['ZPOPMAX', 'z']],
    ['zpopmax count', (c) => c.zpopmax('z', 3), ['ZPOPMAX', 'z', 3]],
    ['bzpopmin', (c) => c.bzpopmin(['a', 'b'], 0), ['BZPOPMIN', 'a', 'b', 0]],
    ['bzpopmax', (c) => c.bzpopmax('a', 2.5), ['BZPOPMAX', 'a', 2.5]],
    ['zmpop', (c) => c.zmpop(['a', 'b'], 'MIN'), ['ZMPOP', 2, 'a', 'b', 'MIN']],
    ['zmpop count', (c) => c.zmpop('a', 'MAX', { count: 3 }), ['ZMPOP', 1, 'a', 'MAX', 'COUNT', 3]],
    ['bzmpop', (c) => c.bzmpop('a', 'MIN', 1, { count: 2 }), ['BZMPOP', 1, 1, 'a', 'MIN', 'COUNT', 2]],
    ['zunionstore', (c) => c.zunionstore('d', ['a', 'b']), ['ZUNIONSTORE', 'd', 2, 'a', 'b']],
    [
      'zinterstore options',
      (c) => c.zinterstore('d', ['a', 'b'], { weights: [1, 2.5], aggregate: 'MAX' }),
      ['ZINTERSTORE', 'd', 2, 'a', 'b', 'WEIGHTS', 1, 2.5, 'AGGREGATE', 'MAX'],
    ],
    ['zscan', (c) => c.zscan('z', '0', { count: 5 }), ['ZSCAN', 'z', '0', 'COUNT', 5]],
  ];

  it.each(cases)('%s', async (_, call, words) => {
    const conn = new FakeConnection().reply(null);
    await call(conn).catch(() => undefined);
    expect(conn.words).toEqual(words);
  });
});

describe('sorted-set replies in both protocols', () => {
  it('zscore: RESP2 bulk string, RESP3 double, null, inf', async () => {
    const conn = new FakeConnection().reply('1.5', 2.5, null, 'inf', '-inf', buf('3'));
    expect(await conn.zscore('z', 'a')).toBe(1.5);
    expect(await conn.zscore('z', 'a')).toBe(2.5);
    expect(await conn.zscore('z', 'a')).toBeNull();
    expect(await conn.zscore('z', 'a')).toBe(Number.POSITIVE_INFINITY);
    expect(await conn.zscore('z', 'a')).toBe(Number.NEGATIVE_INFINITY);
    expect(await conn.zscore('z', 'a')).toBe(3);
  });

  it('zmscore: numbers and nulls in either shape', async () => {
    const conn = new FakeConnection().reply(['1', null], [1, null]);
    expect(await conn.zmscore('z', 'a', 'b')).toEqual([1, null]);
    expect(await conn.zmscore('z', 'a', 'b')).toEqual([1, null]);
  });

  it('zincrby and zadd incr: the new score, or null when prevented', async () => {
    const conn = new FakeConnection().reply('3', 4, null, 2);
    expect(await conn.zincrby('z', 1, 'a')).toBe(3);
    expect(await conn.zadd('z', { score: 1, value: 'a' }, { incr: true })).toBe(4);
    expect(await conn.zadd('z', { score: 1, value: 'a' }, { incr: true, nx: true })).toBeNull();
    expect(await conn.zadd('z', { score: 1, value: 'a' })).toBe(2);
  });

  it('zrangeWithScores: RESP2 flat → { value, score }', async () => {
    const conn = new FakeConnection().reply(['a', '1', 'b', '2.5']);
    expect(await conn.zrangeWithScores('z', 0, -1)).toEqual([
      { value: 'a', score: 1 },
      { value: 'b', score: 2.5 },
    ]);
  });

  it('zrangeWithScores: RESP3 pairs → { value, score }, Buffers on the Buffer view', async () => {
    const conn = new FakeConnection().reply([
      [buf('a'), 1],
      [buf('b'), 2.5],
    ]);
    expect(await conn.buffers.zrangeWithScores('z', 0, -1)).toEqual([
      { value: buf('a'), score: 1 },
      { value: buf('b'), score: 2.5 },
    ]);
    expect(conn.last.returnBuffers).toBe(true);
  });

  it('zpopmin without count: one member or null (RESP2 flat, RESP3 flat pair, empty)', async () => {
    const conn = new FakeConnection().reply(['a', '1'], ['b', 2], []);
    expect(await conn.zpopmin('z')).toEqual({ value: 'a', score: 1 });
    expect(await conn.zpopmax('z')).toEqual({ value: 'b', score: 2 });
    expect(await conn.zpopmin('z')).toBeNull();
  });

  it('zpopmin with count: RESP2 flat and RESP3 pairs', async () => {
    const conn = new FakeConnection().reply(['a', '1', 'b', '2'], [['a', 1]]);
    expect(await conn.zpopmin('z', 2)).toEqual([
      { value: 'a', score: 1 },
      { value: 'b', score: 2 },
    ]);
    expect(await conn.zpopmax('z', 2)).toEqual([{ value: 'a', score: 1 }]);
  });

  it('bzpopmin: { key, value, score } in both protocols, null on timeout', async () => {
    const conn = new FakeConnection().reply(['z', 'a', '1'], ['z', 'b', 2], null);
    expect(await conn.bzpopmin('z', 1)).toEqual({ key: 'z', value: 'a', score: 1 });
    expect(await conn.bzpopmax('z', 1)).toEqual({ key: 'z', value: 'b', score: 2 });
    expect(await conn.bzpopmin('z', 1)).toBeNull();
  });

  it('zmpop / bzmpop: { key, members } in both protocols, null when nothing popped', async () => {
    const conn = new FakeConnection().reply(['z', [['a', '1']]], ['z', [['a', 1]]], null);
    expect(await conn.zmpop('z', 'MIN')).toEqual({ key: 'z', members: [{ value: 'a', score: 1 }] });
    expect(await conn.bzmpop('z', 'MIN', 1)).toEqual({ key: 'z', members: [{ value: 'a', score: 1 }] });
    expect(await conn.zmpop('z', 'MIN')).toBeNull();
  });

  it('zscan: text cursor, members with scores', async () => {
    const conn = new FakeConnection().reply([buf('0'), [buf('a'), buf('1.5')]]);
    expect(await conn.buffers.zscan('z', 0)).toEqual({
      cursor: '0',
      members: [{ value: buf('a'), score: 1.5 }],
    });
  });
});
