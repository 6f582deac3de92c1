import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import type { RedisCommands } from '../../../src/commands/redis-commands.js';
import { buf, FakeConnection } from '../../support/fake-connection.js';

type Case = [string, (conn: RedisCommands<string>) => Promise<unknown>, RedisArg[]];

describe('set commands: arguments', () => {
  const cases: Case[] = [
    ['sadd', (c) => c.sadd('s', 'a', 'b'), ['SADD', 's', 'a', 'b']],
    ['sadd array', (c) => c.sadd('s', ['a', 1]), ['SADD', 's', 'a', 1]],
    ['srem', (c) => c.srem('s', 'a'), ['SREM', 's', 'a']],
    ['smembers', (c) => c.smembers('s'), ['SMEMBERS', 's']],
    ['sismember', (c) => c.sismember('s', 'a'), ['SISMEMBER', 's', 'a']],
    ['smismember', (c) => c.smismember('s', 'a', 'b'), ['SMISMEMBER', 's', 'a', 'b']],
    ['scard', (c) => c.scard('s'), ['SCARD', 's']],
    ['spop', (c) => c.spop('s'), ['SPOP', 's']],
    ['spop count', (c) => c.spop('s', 2), ['SPOP', 's', 2]],
    ['srandmember', (c) => c.srandmember('s'), ['SRANDMEMBER', 's']],
    ['srandmember count', (c) => c.srandmember('s', -5), ['SRANDMEMBER', 's', -5]],
    ['smove', (c) => c.smove('a', 'b', 'm'), ['SMOVE', 'a', 'b', 'm']],
    ['sinter', (c) => c.sinter('a', 'b'), ['SINTER', 'a', 'b']],
    ['sunion', (c) => c.sunion(['a', 'b']), ['SUNION', 'a', 'b']],
    ['sdiff', (c) => c.sdiff('a', 'b'), ['SDIFF', 'a', 'b']],
    ['sinterstore', (c) => c.sinterstore('d', 'a', 'b'), ['SINTERSTORE', 'd', 'a', 'b']],
    ['sunionstore', (c) => c.sunionstore('d', ['a', 'b']), ['SUNIONSTORE', 'd', 'a', 'b']],
    ['sdiffstore', (c) => c.sdiffstore('d', 'a'), ['SDIFFSTORE', 'd', 'a']],
    ['sintercard', (c) => c.sintercard(['a', 'b']), ['SINTERCARD', 2, 'a', 'b']],
    ['sintercard limit', (c) => c.sintercard('a', { limit: 10 }), ['SINTERCARD', 1, 'a', 'LIMIT', 10]],
    ['sscan', (c) => c.sscan('s', 0, { match: 'x*' }), ['SSCAN', 's', 0, 'MATCH', 'x*']],
  ];

  it.each(cases)('%s', async (_, call, words) => {
    const conn = new FakeConnection().reply(['0', []]);
    await call(conn);
    expect(conn.words).toEqual(words);
  });
});

describe('set commands: replies', () => {
  it('sismember, smismember and smove give booleans', async () => {
    const conn = new FakeConnection().reply(1, [1, 0, 1], 0);
    expect(await conn.sismember('s', 'a')).toBe(true);
    expect(await conn.smismember('s', 'a', 'b', 'c')).toEqual([true, false, true]);
    expect(await conn.smove('a', 'b', 'm')).toBe(false);
  });

  it('RESP3 sets arrive as arrays and pass through; the Buffer view asks for Buffers', async () => {
    const conn = new FakeConnection().reply([buf('a'), buf('b')]);
    expect(await conn.buffers.smembers('s')).toEqual([buf('a'), buf('b')]);
    expect(conn.last.returnBuffers).toBe(true);
  });

  it('sscan gives { cursor, members }', async () => {
    const conn = new FakeConnection().reply([buf('7'), [buf('m')]]);
    expect(await conn.buffers.sscan('s', 0)).toEqual({ cursor: '7', members: [buf('m')] });
  });
});
