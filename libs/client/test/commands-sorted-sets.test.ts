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

describe.each([2, 3] as const)(onServer('sorted-set commands over RESP%i'), (protocol) => {
  let conn: MultiplexedConnection;
  beforeAll(async () => {
    conn = await new Client({ host: '127.0.0.1', port: server.port }).getMultiplexedConnection({ protocol });
  });
  afterAll(async () => {
    await conn?.close();
  });
  beforeEach(async () => {
    await conn.flushall();
    await conn.zadd('z', [
      { score: 1, value: 'a' },
      { score: 2, value: 'b' },
      { score: 3.5, value: 'c' },
    ]);
  });

  it('zadd with options, zincrby, zscore, zmscore', async () => {
    expect(await conn.zadd('z', { score: 10, value: 'a' }, { nx: true })).toBe(0);
    expect(await conn.zadd('z', [{ score: 0, value: 'a' }], { gt: true, ch: true })).toBe(0);
    expect(await conn.zadd('z', [{ score: 5, value: 'a' }], { xx: true, ch: true })).toBe(1);
    expect(await conn.zadd('z', { score: 2, value: 'a' }, { incr: true })).toBe(7);
    expect(await conn.zadd('z', { score: 2, value: 'new' }, { incr: true, xx: true })).toBeNull();
    expect(await conn.zincrby('z', 0.5, 'b')).toBe(2.5);
    expect(await conn.zscore('z', 'b')).toBe(2.5);
    expect(await conn.zscore('z', 'missing')).toBeNull();
    expect(await conn.zmscore('z', 'a', 'missing', 'c')).toEqual([7, null, 3.5]);
    expect(await conn.zadd('z', { score: '+inf', value: 'top' })).toBe(1);
    expect(await conn.zscore('z', 'top')).toBe(Number.POSITIVE_INFINITY);
  });

  it('zrank, zrevrank, zrem, zcard, zcount', async () => {
    expect(await conn.zrank('z', 'a')).toBe(0);
    expect(await conn.zrevrank('z', 'a')).toBe(2);
    expect(await conn.zrank('z', 'missing')).toBeNull();
    expect(await conn.zcount('z', '(1', '+inf')).toBe(2);
    expect(await conn.zrem('z', 'a', 'missing')).toBe(1);
    expect(await conn.zcard('z')).toBe(2);
  });

  it('zrange by rank, score and lex, and with scores', async () => {
    expect(await conn.zrange('z', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await conn.zrange('z', 0, 0, { rev: true })).toEqual(['c']);
    expect(await conn.zrange('z', 2, '+inf', { by: 'SCORE' })).toEqual(['b', 'c']);
    expect(
      await conn.zrange('z', '+inf', '-inf', { by: 'SCORE', rev: true, limit: { offset: 1, count: 1 } }),
    ).toEqual(['b']);
    await conn.zadd('lex', [
      { score: 0, value: 'apple' },
      { score: 0, value: 'banana' },
      { score: 0, value: 'cherry' },
    ]);
    expect(await conn.zrange('lex', '[b', '+', { by: 'LEX' })).toEqual(['banana', 'cherry']);
    expect(await conn.zrangeWithScores('z', 0, -1)).toEqual([
      { value: 'a', score: 1 },
      { value: 'b', score: 2 },
      { value: 'c', score: 3.5 },
    ]);
    expect(await conn.zrangeWithScores('z', 2, 3, { by: 'SCORE', rev: false })).toEqual([
      { value: 'b', score: 2 },
    ]);
    expect(await conn.zrangestore('dst', 'z', 0, 1)).toBe(2);
    expect(await conn.zrange('dst', 0, -1)).toEqual(['a', 'b']);
  });

  it('zremrangeby*', async () => {
    expect(await conn.zremrangebyscore('z', 3, '+inf')).toBe(1);
    expect(await conn.zremrangebyrank('z', 0, 0)).toBe(1);
    await conn.zadd('lex', [
      { score: 0, value: 'a' },
      { score: 0, value: 'b' },
    ]);
    expect(await conn.zremrangebylex('lex', '-', '[a')).toBe(1);
  });

  it('zpopmin / zpopmax, with and without count', async () => {
    expect(await conn.zpopmin('z')).toEqual({ value: 'a', score: 1 });
    expect(await conn.zpopmax('z')).toEqual({ value: 'c', score: 3.5 });
    expect(await conn.zpopmin('z', 5)).toEqual([{ value: 'b', score: 2 }]);
    expect(await conn.zpopmin('z')).toBeNull();
    expect(await conn.zpopmax('z', 2)).toEqual([]);
  });

  it('bzpopmin / bzpopmax / zmpop / bzmpop', async () => {
    expect(await conn.bzpopmin(['missing', 'z'], 1)).toEqual({ key: 'z', value: 'a', score: 1 });
    expect(await conn.bzpopmax('z', 1)).toEqual({ key: 'z', value: 'c', score: 3.5 });
    expect(await conn.bzpopmin('empty', 0.1)).toBeNull();
    await conn.zadd('y', [
      { score: 1, value: 'p' },
      { score: 2, value: 'q' },
    ]);
    expect(await conn.zmpop(['missing', 'y'], 'MAX', { count: 1 })).toEqual({
      key: 'y',
      members: [{ value: 'q', score: 2 }],
    });
    expect(await conn.bzmpop('y', 'MIN', 1, { count: 5 })).toEqual({
      key: 'y',
      members: [{ value: 'p', score: 1 }],
    });
    expect(await conn.zmpop('y', 'MIN')).toBeNull();
    expect(await conn.bzmpop('y', 'MIN', 0.1)).toBeNull();
  });

  it('zunionstore / zinterstore with weights and aggregate, zscan', async () => {
    await conn.zadd('w', [
      { score: 10, value: 'a' },
      { score: 20, value: 'x' },
    ]);
    expect(await conn.zunionstore('u', ['z', 'w'])).toBe(4);
    expect(await conn.zscore('u', 'a')).toBe(11);
    expect(await conn.zinterstore('i', ['z', 'w'], { weights: [2, 1], aggregate: 'MAX' })).toBe(1);
    expect(await conn.zscore('i', 'a')).toBe(10);
    const page = await conn.zscan('z', 0, { count: 100 });
    expect(page.cursor).toBe('0');
    expect(page.members).toEqual([
      { value: 'a', score: 1 },
      { value: 'b', score: 2 },
      { value: 'c', score: 3.5 },
    ]);
  });

  it('Buffer view: members as Buffers, scores as numbers', async () => {
    const member = Buffer.from([0xff, 0x01]);
    await conn.zadd('bin', { score: 1.25, value: member });
    expect(await conn.buffers.zrange('bin', 0, -1)).toEqual([member]);
    expect(await conn.buffers.zrangeWithScores('bin', 0, -1)).toEqual([{ value: member, score: 1.25 }]);
    expect(await conn.buffers.zscan('bin', 0)).toEqual({
      cursor: '0',
      members: [{ value: member, score: 1.25 }],
    });
    expect(await conn.buffers.zpopmin('bin')).toEqual({ value: member, score: 1.25 });
  });
});
