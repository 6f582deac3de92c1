import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import type { RedisCommands } from '../../../src/commands/redis-commands.js';
import { buf, FakeConnection } from '../../support/fake-connection.js';

type Case = [string, (conn: RedisCommands<string>) => Promise<unknown>, RedisArg[]];
const dumped = Buffer.from([0, 1, 0xff]);

describe('key commands: arguments', () => {
  const cases: Case[] = [
    ['del', (c) => c.del('a', 'b'), ['DEL', 'a', 'b']],
    ['del array', (c) => c.del(['a']), ['DEL', 'a']],
    ['unlink', (c) => c.unlink('a'), ['UNLINK', 'a']],
    ['exists', (c) => c.exists('a', 'a'), ['EXISTS', 'a', 'a']],
    ['touch', (c) => c.touch(['a', 'b']), ['TOUCH', 'a', 'b']],
    ['expire', (c) => c.expire('k', 10), ['EXPIRE', 'k', 10]],
    ['expire nx', (c) => c.expire('k', 10, 'NX'), ['EXPIRE', 'k', 10, 'NX']],
    ['pexpire gt', (c) => c.pexpire('k', 100, 'GT'), ['PEXPIRE', 'k', 100, 'GT']],
    ['expireat lt', (c) => c.expireat('k', 1e9, 'LT'), ['EXPIREAT', 'k', 1e9, 'LT']],
    ['pexpireat xx', (c) => c.pexpireat('k', 1e12, 'XX'), ['PEXPIREAT', 'k', 1e12, 'XX']],
    ['ttl', (c) => c.ttl('k'), ['TTL', 'k']],
    ['pttl', (c) => c.pttl('k'), ['PTTL', 'k']],
    ['expiretime', (c) => c.expiretime('k'), ['EXPIRETIME', 'k']],
    ['pexpiretime', (c) => c.pexpiretime('k'), ['PEXPIRETIME', 'k']],
    ['persist', (c) => c.persist('k'), ['PERSIST', 'k']],
    ['type', (c) => c.type('k'), ['TYPE', 'k']],
    ['rename', (c) => c.rename('a', 'b'), ['RENAME', 'a', 'b']],
    ['renamenx', (c) => c.renamenx('a', 'b'), ['RENAMENX', 'a', 'b']],
    ['copy', (c) => c.copy('a', 'b'), ['COPY', 'a', 'b']],
    [
      'copy options',
      (c) => c.copy('a', 'b', { db: 2, replace: true }),
      ['COPY', 'a', 'b', 'DB', 2, 'REPLACE'],
    ],
    ['dump', (c) => c.dump('k'), ['DUMP', 'k']],
    ['restore', (c) => c.restore('k', 0, dumped), ['RESTORE', 'k', 0, dumped]],
    [
      'restore options',
      (c) => c.restore('k', 5, dumped, { replace: true, absTtl: true, idleTime: 3, freq: 4 }),
      ['RESTORE', 'k', 5, dumped, 'REPLACE', 'ABSTTL', 'IDLETIME', 3, 'FREQ', 4],
    ],
    ['object encoding', (c) => c.objectEncoding('k'), ['OBJECT', 'ENCODING', 'k']],
    ['object freq', (c) => c.objectFreq('k'), ['OBJECT', 'FREQ', 'k']],
    ['object idletime', (c) => c.objectIdletime('k'), ['OBJECT', 'IDLETIME', 'k']],
    ['object refcount', (c) => c.objectRefcount('k'), ['OBJECT', 'REFCOUNT', 'k']],
    ['randomkey', (c) => c.randomkey(), ['RANDOMKEY']],
    ['keys', (c) => c.keys('user:*'), ['KEYS', 'user:*']],
    ['scan', (c) => c.scan(0), ['SCAN', 0]],
    [
      'scan options',
      (c) => c.scan('17', { match: 'a*', count: 100, type: 'hash' }),
      ['SCAN', '17', 'MATCH', 'a*', 'COUNT', 100, 'TYPE', 'hash'],
    ],
  ];

  it.each(cases)('%s', async (_, call, words) => {
    const conn = new FakeConnection().reply(['0', []]);
    await call(conn);
    expect(conn.words).toEqual(words);
  });
});

describe('key commands: replies', () => {
  it('expiry commands, persist, renamenx and copy give booleans', async () => {
    const conn = new FakeConnection().reply(1, 0, 1, 0, 1, 0);
    expect(await conn.expire('k', 1)).toBe(true);
    expect(await conn.pexpire('k', 1)).toBe(false);
    expect(await conn.expireat('k', 1)).toBe(true);
    expect(await conn.persist('k')).toBe(false);
    expect(await conn.renamenx('a', 'b')).toBe(true);
    expect(await conn.copy('a', 'b')).toBe(false);
  });

  it('dump always asks for Buffers, text commands never do', async () => {
    const conn = new FakeConnection();
    await conn.dump('k');
    expect(conn.last.returnBuffers).toBe(true);
    await conn.buffers.type('k');
    expect(conn.last.returnBuffers).toBe(false);
    await conn.buffers.objectEncoding('k');
    expect(conn.last.returnBuffers).toBe(false);
  });

  it('scan gives { cursor, keys } with a text cursor in both views', async () => {
    const conn = new FakeConnection().reply(['12', ['a', 'b']], [buf('0'), [buf('a')]]);
    expect(await conn.scan(0)).toEqual({ cursor: '12', keys: ['a', 'b'] });
    const page = await conn.buffers.scan(12);
    expect(conn.last.returnBuffers).toBe(true);
    expect(page).toEqual({ cursor: '0', keys: [buf('a')] });
  });

  it('keys and randomkey follow the view', async () => {
    const conn = new FakeConnection().reply([buf('a')], null);
    expect(await conn.buffers.keys('*')).toEqual([buf('a')]);
    expect(conn.last.returnBuffers).toBe(true);
    expect(await conn.randomkey()).toBeNull();
    expect(conn.last.returnBuffers).toBe(false);
  });
});
