import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import type { RedisCommands } from '../../../src/commands/redis-commands.js';
import { buf, bytes, FakeConnection } from '../../support/fake-connection.js';

type Case = [string, (conn: RedisCommands<string>) => Promise<unknown>, RedisArg[]];

describe('hash commands: arguments', () => {
  const cases: Case[] = [
    ['hset object', (c) => c.hset('h', { a: '1', b: 2 }), ['HSET', 'h', 'a', '1', 'b', 2]],
    [
      'hset map',
      (c) => c.hset('h', new Map<RedisArg, RedisArg>([[bytes(0xff), bytes(0)]])),
      ['HSET', 'h', bytes(0xff), bytes(0)],
    ],
    ['hset field value', (c) => c.hset('h', 'f', 'v'), ['HSET', 'h', 'f', 'v']],
    ['hset buffer field', (c) => c.hset('h', buf('f'), 'v'), ['HSET', 'h', buf('f'), 'v']],
    ['hget', (c) => c.hget('h', 'f'), ['HGET', 'h', 'f']],
    ['hmget', (c) => c.hmget('h', 'a', 'b'), ['HMGET', 'h', 'a', 'b']],
    ['hmget array', (c) => c.hmget('h', ['a', 'b']), ['HMGET', 'h', 'a', 'b']],
    ['hgetall', (c) => c.hgetall('h'), ['HGETALL', 'h']],
    ['hdel', (c) => c.hdel('h', 'a', 'b'), ['HDEL', 'h', 'a', 'b']],
    ['hexists', (c) => c.hexists('h', 'f'), ['HEXISTS', 'h', 'f']],
    ['hincrby', (c) => c.hincrby('h', 'f', 2), ['HINCRBY', 'h', 'f', 2]],
    ['hincrbyfloat', (c) => c.hincrbyfloat('h', 'f', 0.5), ['HINCRBYFLOAT', 'h', 'f', 0.5]],
    ['hkeys', (c) => c.hkeys('h'), ['HKEYS', 'h']],
    ['hvals', (c) => c.hvals('h'), ['HVALS', 'h']],
    ['hlen', (c) => c.hlen('h'), ['HLEN', 'h']],
    ['hsetnx', (c) => c.hsetnx('h', 'f', 'v'), ['HSETNX', 'h', 'f', 'v']],
    ['hstrlen', (c) => c.hstrlen('h', 'f'), ['HSTRLEN', 'h', 'f']],
    ['hrandfield', (c) => c.hrandfield('h'), ['HRANDFIELD', 'h']],
    ['hrandfield count', (c) => c.hrandfield('h', -3), ['HRANDFIELD', 'h', -3]],
    ['hrandfield withvalues', (c) => c.hrandfieldWithValues('h', 2), ['HRANDFIELD', 'h', 2, 'WITHVALUES']],
    ['hscan', (c) => c.hscan('h', 0), ['HSCAN', 'h', 0]],
    [
      'hscan options',
      (c) => c.hscan('h', '5', { match: 'f*', count: 10 }),
      ['HSCAN', 'h', '5', 'MATCH', 'f*', 'COUNT', 10],
    ],
  ];

  it.each(cases)('%s', async (_, call, words) => {
    const conn = new FakeConnection().reply(['0', []]);
    await call(conn);
    expect(conn.words).toEqual(words);
  });
});

describe('hgetall in both protocols and both views', () => {
  it('RESP2 flat array → null-prototype object', async () => {
    const conn = new FakeConnection().reply(['a', '1', 'b', '2']);
    const hash = await conn.hgetall('h');
    expect(hash).toEqual({ a: '1', b: '2' });
    expect(Object.getPrototypeOf(hash)).toBeNull();
    expect(hash.constructor).toBeUndefined();
  });

  it('RESP3 Map → object', async () => {
    const conn = new FakeConnection().reply(
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
    );
    expect(await conn.hgetall('h')).toEqual({ a: '1', b: '2' });
  });

  it('keeps a field named __proto__ as an own field', async () => {
    const conn = new FakeConnection().reply(['__proto__', 'x', 'toString', 'y']);
    const hash = await conn.hgetall('h');
    expect(Object.keys(hash)).toEqual(['__proto__', 'toString']);
    expect(Object.getOwnPropertyDescriptor(hash, '__proto__')?.value).toBe('x');
    expect(hash.toString).toBe('y');
  });

  it('an empty or missing hash is an empty object', async () => {
    const conn = new FakeConnection().reply([], new Map());
    expect(await conn.hgetall('h')).toEqual({});
    expect(await conn.hgetall('h')).toEqual({});
  });

  it('Buffer view: Map with the exact bytes as keys (RESP2)', async () => {
    const f1 = bytes(0xff, 0x00);
    const f2 = bytes(0xfe);
    const conn = new FakeConnection().reply([f1, bytes(1), f2, bytes(2)]);
    const hash = await conn.buffers.hgetall('h');
    expect(conn.last.returnBuffers).toBe(true);
    expect(hash).toBeInstanceOf(Map);
    expect([...hash.keys()]).toEqual([f1, f2]);
    expect([...hash.values()]).toEqual([bytes(1), bytes(2)]);
  });

  it('Buffer view: RESP3 Map keys are kept, never collapsed by decoding', async () => {
    // 0xff and 0xfe both decode to U+FFFD as UTF-8: as strings they would collapse into one field.
    const raw = new Map([
      [bytes(0xff), bytes(1)],
      [bytes(0xfe), bytes(2)],
    ]);
    const conn = new FakeConnection().reply(raw);
    const hash = await conn.buffers.hgetall('h');
    expect(hash.size).toBe(2);
    expect([...hash.keys()]).toEqual([bytes(0xff), bytes(0xfe)]);
  });
});

describe('other hash replies', () => {
  it('hexists and hsetnx give booleans', async () => {
    const conn = new FakeConnection().reply(1, 0);
    expect(await conn.hexists('h', 'f')).toBe(true);
    expect(await conn.hsetnx('h', 'f', 'v')).toBe(false);
  });

  it('hincrbyfloat parses the bulk string', async () => {
    expect(await new FakeConnection().reply('2.5').hincrbyfloat('h', 'f', 1)).toBe(2.5);
  });

  it('hrandfieldWithValues: RESP2 flat and RESP3 pairs', async () => {
    const conn = new FakeConnection().reply(['a', '1', 'a', '1'], [['b', '2']]);
    expect(await conn.hrandfieldWithValues('h', -2)).toEqual([
      { field: 'a', value: '1' },
      { field: 'a', value: '1' },
    ]);
    expect(await conn.hrandfieldWithValues('h', 1)).toEqual([{ field: 'b', value: '2' }]);
  });

  it('hscan: text cursor, fields as object or Map', async () => {
    const conn = new FakeConnection().reply(['3', ['a', '1']], [buf('0'), [bytes(0xff), bytes(1)]]);
    expect(await conn.hscan('h', 0)).toEqual({ cursor: '3', fields: { a: '1' } });
    const page = await conn.buffers.hscan('h', 3);
    expect(page.cursor).toBe('0');
    expect([...page.fields.entries()]).toEqual([[bytes(0xff), bytes(1)]]);
  });
});
