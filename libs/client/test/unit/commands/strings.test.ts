import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import type { RedisCommands } from '../../../src/commands/redis-commands.js';
import { buf, FakeConnection } from '../../support/fake-connection.js';

type Case = [string, (conn: RedisCommands<string>) => Promise<unknown>, RedisArg[]];

describe('string commands: arguments', () => {
  const cases: Case[] = [
    ['get', (c) => c.get('k'), ['GET', 'k']],
    ['set', (c) => c.set('k', 'v'), ['SET', 'k', 'v']],
    [
      'set with every option',
      (c) => c.set('k', 1, { nx: true, get: true, ex: 10, px: 5, exat: 7, pxat: 8, keepTtl: true }),
      ['SET', 'k', 1, 'NX', 'GET', 'EX', 10, 'PX', 5, 'EXAT', 7, 'PXAT', 8, 'KEEPTTL'],
    ],
    ['set xx', (c) => c.set('k', 'v', { xx: true }), ['SET', 'k', 'v', 'XX']],
    ['setnx', (c) => c.setnx('k', 'v'), ['SETNX', 'k', 'v']],
    ['setex', (c) => c.setex('k', 10, 'v'), ['SETEX', 'k', 10, 'v']],
    ['psetex', (c) => c.psetex('k', 100, 'v'), ['PSETEX', 'k', 100, 'v']],
    ['getset', (c) => c.getset('k', 'v'), ['GETSET', 'k', 'v']],
    ['getdel', (c) => c.getdel('k'), ['GETDEL', 'k']],
    ['getex', (c) => c.getex('k'), ['GETEX', 'k']],
    ['getex ex', (c) => c.getex('k', { ex: 5 }), ['GETEX', 'k', 'EX', 5]],
    ['getex persist', (c) => c.getex('k', { persist: true }), ['GETEX', 'k', 'PERSIST']],
    ['getex pxat', (c) => c.getex('k', { pxat: 9 }), ['GETEX', 'k', 'PXAT', 9]],
    ['mget variadic', (c) => c.mget('a', 'b'), ['MGET', 'a', 'b']],
    ['mget array', (c) => c.mget(['a', 'b']), ['MGET', 'a', 'b']],
    ['mset object', (c) => c.mset({ a: '1', b: 2 }), ['MSET', 'a', '1', 'b', 2]],
    ['mset map', (c) => c.mset(new Map([[buf('a'), 'x']])), ['MSET', buf('a'), 'x']],
    ['msetnx', (c) => c.msetnx({ a: 'x' }), ['MSETNX', 'a', 'x']],
    ['incr', (c) => c.incr('k'), ['INCR', 'k']],
    ['incrby', (c) => c.incrby('k', 5n), ['INCRBY', 'k', 5n]],
    ['incrbyfloat', (c) => c.incrbyfloat('k', 1.5), ['INCRBYFLOAT', 'k', 1.5]],
    ['decr', (c) => c.decr('k'), ['DECR', 'k']],
    ['decrby', (c) => c.decrby('k', 2), ['DECRBY', 'k', 2]],
    ['append', (c) => c.append('k', 'x'), ['APPEND', 'k', 'x']],
    ['strlen', (c) => c.strlen('k'), ['STRLEN', 'k']],
    ['getrange', (c) => c.getrange('k', 0, -1), ['GETRANGE', 'k', 0, -1]],
    ['setrange', (c) => c.setrange('k', 3, 'x'), ['SETRANGE', 'k', 3, 'x']],
  ];

  it.each(cases)('%s', async (_, call, words) => {
    const conn = new FakeConnection();
    await call(conn);
    expect(conn.words).toEqual(words);
  });

  it('mset skips inherited properties', async () => {
    const conn = new FakeConnection();
    const pairs = Object.create({ inherited: 'no' }) as Record<string, string>;
    pairs.own = 'yes';
    await conn.mset(pairs);
    expect(conn.words).toEqual(['MSET', 'own', 'yes']);
  });

  it('mget sends its rest array as is, and copies an array the caller passes (which the caller may reuse)', async () => {
    const conn = new FakeConnection();
    await conn.mget('a', 'b');
    const rest = conn.last.args;
    await conn.mget(rest as string[]);
    expect(conn.last.args).toEqual(['a', 'b']);
    expect(conn.last.args).not.toBe(rest);
  });
});

describe('string commands: replies', () => {
  it('asks for Buffers only on the Buffer view, and only where bulk strings are data', async () => {
    const conn = new FakeConnection();
    await conn.get('k');
    expect(conn.last.returnBuffers).toBe(false);
    await conn.buffers.get('k');
    expect(conn.last.returnBuffers).toBe(true);
    await conn.buffers.incrbyfloat('k', 1);
    expect(conn.last.returnBuffers).toBe(false);
  });

  it('setnx and msetnx give booleans', async () => {
    const conn = new FakeConnection().reply(1, 0, 1);
    expect(await conn.setnx('k', 'v')).toBe(true);
    expect(await conn.setnx('k', 'v')).toBe(false);
    expect(await conn.msetnx({ a: 'b' })).toBe(true);
  });

  it('incrbyfloat parses the bulk string (both protocols send one)', async () => {
    const conn = new FakeConnection().reply('10.5', buf('3.0e3'));
    expect(await conn.incrbyfloat('k', 0.5)).toBe(10.5);
    expect(await conn.incrbyfloat('k', 0.5)).toBe(3000);
  });

  it('incr passes a bigint beyond 2^53 through', async () => {
    const conn = new FakeConnection().reply(2n ** 60n);
    expect(await conn.incr('k')).toBe(2n ** 60n);
  });

  it('get passes null and Buffers through', async () => {
    const conn = new FakeConnection().reply(null, Buffer.from([0xff]));
    expect(await conn.get('k')).toBeNull();
    expect(await conn.buffers.get('k')).toEqual(Buffer.from([0xff]));
  });
});
