// Every RESP2/RESP3 reply type as a real redis-server sends it, decoded through a real connection.
import { type DevStandalone, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, type MultiplexedConnection, ReplyError } from '../src/index.js';
import { onServer } from './support/server.js';

let server: DevStandalone;
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});

describe(onServer('RESP3 replies from a real server'), () => {
  let conn: MultiplexedConnection;
  const pushes: unknown[][] = [];
  beforeAll(async () => {
    conn = await new Client({ host: '127.0.0.1', port: server.port }).getMultiplexedConnection({
      onPush: (push) => pushes.push(push),
    });
  });
  afterAll(async () => {
    await conn?.close();
  });
  beforeEach(async () => {
    await conn.flushall();
  });

  it('agrees on RESP3 by default', async () => {
    expect(conn.protocol).toBe(3);
    const info = await conn.call('CLIENT', 'INFO');
    expect(info).toMatch(/ resp=3\b/);
  });

  it('simple string, bulk string and null', async () => {
    expect(await conn.set('k', 'value with spaces\r\nand CRLF')).toBe('OK');
    expect(await conn.get('k')).toBe('value with spaces\r\nand CRLF');
    expect(await conn.get('missing')).toBeNull();
    expect(await conn.call('DEBUG', 'PROTOCOL', 'string')).toBe('Hello World');
    expect(await conn.call('DEBUG', 'PROTOCOL', 'null')).toBeNull();
  });

  it('binary bulk strings come back byte for byte on the Buffer view', async () => {
    const bytes = Buffer.from([0, 0xff, 0x0d, 0x0a, 0x80, 0x7f]);
    await conn.set('bin', bytes);
    expect(await conn.buffers.get('bin')).toEqual(bytes);
    expect(Buffer.isBuffer(await conn.buffers.get('bin'))).toBe(true);
  });

  it('verbatim strings lose their format prefix', async () => {
    // `=29\r\ntxt:This is a verbatim\nstring\r\n`: without the prefix handling this would start with "txt:".
    expect(await conn.call('DEBUG', 'PROTOCOL', 'verbatim')).toBe('This is a verbatim\nstring');
    const info = await conn.call('INFO', 'server');
    expect(typeof info).toBe('string');
    expect(info as string).toMatch(/^# Server\r\n/);
  });

  it('integers, and integers beyond 2^53 as bigint', async () => {
    expect(await conn.call('DEBUG', 'PROTOCOL', 'integer')).toBe(12345);
    expect(await conn.incr('n')).toBe(1);
    expect(await conn.incrby('n', -5)).toBe(-4);
    expect(await conn.incrby('big', 9007199254740993n)).toBe(9007199254740993n);
    expect(await conn.incrby('big', 1)).toBe(9007199254740994n);
    expect(await conn.incrby('neg', -9007199254740993n)).toBe(-9007199254740993n);
    // Exactly 2^53 - 1 is still a safe number.
    expect(await conn.incrby('safe', Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(await conn.call('INCRBY', 'max', '9223372036854775807')).toBe(9223372036854775807n);
  });

  it('big numbers as bigint', async () => {
    expect(await conn.call('DEBUG', 'PROTOCOL', 'bignum')).toBe(1234567999999999999999999999999999999n);
  });

  it('doubles as numbers', async () => {
    // The server's fixed test double (3.141, not pi).
    expect(await conn.call('DEBUG', 'PROTOCOL', 'double')).toBe(Number('3.141'));
    await conn.call('ZADD', 'z', '1.5', 'a', '-0.25', 'b', 'inf', 'c');
    expect(await conn.call('ZSCORE', 'z', 'a')).toBe(1.5);
    expect(await conn.call('ZSCORE', 'z', 'b')).toBe(-0.25);
    expect(await conn.call('ZSCORE', 'z', 'c')).toBe(Number.POSITIVE_INFINITY);
    expect(await conn.zscore('z', 'a')).toBe(1.5);
    expect(await conn.call('INCRBYFLOAT', 'f', '0.1')).toBe('0.1');
  });

  it('booleans', async () => {
    expect(await conn.call('DEBUG', 'PROTOCOL', 'true')).toBe(true);
    expect(await conn.call('DEBUG', 'PROTOCOL', 'false')).toBe(false);
  });

  it('maps, as a Map raw and as a record through the typed method', async () => {
    expect(await conn.call('DEBUG', 'PROTOCOL', 'map')).toEqual(
      new Map<unknown, unknown>([
        [0, false],
        [1, true],
        [2, false],
      ]),
    );
    await conn.hset('h', { a: '1', b: '2' });
    expect(await conn.call('HGETALL', 'h')).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
    );
    expect({ ...(await conn.hgetall('h')) }).toEqual({ a: '1', b: '2' });
    const bufferMap = await conn.buffers.hgetall('h');
    expect(bufferMap).toBeInstanceOf(Map);
    expect([...bufferMap].map(([k, v]) => [k.toString(), v.toString()])).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('sets and arrays', async () => {
    expect(await conn.call('DEBUG', 'PROTOCOL', 'set')).toEqual([0, 1, 2]);
    expect(await conn.call('DEBUG', 'PROTOCOL', 'array')).toEqual([0, 1, 2]);
    await conn.sadd('s', 'x', 'y');
    expect(((await conn.call('SMEMBERS', 's')) as string[]).sort()).toEqual(['x', 'y']);
    await conn.rpush('l', 'a', 'b', 'c');
    expect(await conn.lrange('l', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await conn.call('LRANGE', 'missing', '0', '-1')).toEqual([]);
  });

  it('an attribute is skipped and the real reply after it is delivered', async () => {
    expect(await conn.call('DEBUG', 'PROTOCOL', 'attrib')).toBe('Some real reply following the attribute');
    // The reply after the attribute is still matched to the right command.
    expect(await conn.echo('after')).toBe('after');
  });

  it('a push goes to onPush, and the reply after it to the command', async () => {
    pushes.length = 0;
    expect(await conn.call('DEBUG', 'PROTOCOL', 'push')).toBe('Some real reply following the push reply');
    expect(pushes).toEqual([['server-cpu-usage', 42]]);
    expect(await conn.echo('after')).toBe('after');
  });

  it('error replies reject with a ReplyError carrying the prefix, command and node', async () => {
    await conn.set('str', 'x');
    const error = await conn.lpush('str', 'a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyError);
    expect(error).toMatchObject({
      code: 'ERR_KEYSLOT_REPLY',
      prefix: 'WRONGTYPE',
      command: 'LPUSH',
      node: server.address,
    });
    expect((error as ReplyError).message).toMatch(
      /^WRONGTYPE Operation against a key holding the wrong kind/,
    );
    await expect(conn.call('NOSUCHCOMMAND')).rejects.toMatchObject({ prefix: 'ERR' });
    await expect(conn.call('DEBUG', 'PROTOCOL', 'nosuchtype')).rejects.toBeInstanceOf(ReplyError);
    // Errors do not disturb the matching of later replies.
    expect(await conn.get('str')).toBe('x');
  });

  it('nested aggregates: EXEC of mixed replies, and an error inside an array', async () => {
    const replies = await conn.call(
      'EVAL',
      "return {1, 'two', {3, 'four'}, redis.error_reply('BOOM inner')}",
      '0',
    );
    expect(replies).toHaveLength(4);
    const [one, two, nested, failure] = replies as unknown[];
    expect([one, two, nested]).toEqual([1, 'two', [3, 'four']]);
    expect(failure).toBeInstanceOf(ReplyError);
    expect((failure as ReplyError).prefix).toBe('BOOM');
  });
});

describe(onServer('RESP2 replies from a real server'), () => {
  let conn: MultiplexedConnection;
  beforeAll(async () => {
    conn = await new Client({ host: '127.0.0.1', port: server.port }).getMultiplexedConnection({
      protocol: 2,
    });
  });
  afterAll(async () => {
    await conn?.close();
  });
  beforeEach(async () => {
    await conn.flushall();
  });

  it('stays on RESP2 when asked', async () => {
    expect(conn.protocol).toBe(2);
    expect(await conn.call('CLIENT', 'INFO')).toMatch(/ resp=2\b/);
  });

  it('simple strings, bulk strings, nulls, integers and bigints', async () => {
    expect(await conn.set('k', 'v')).toBe('OK');
    expect(await conn.get('k')).toBe('v');
    expect(await conn.get('missing')).toBeNull();
    expect(await conn.call('DEBUG', 'PROTOCOL', 'null')).toBeNull();
    expect(await conn.incr('n')).toBe(1);
    expect(await conn.incrby('big', 9007199254740993n)).toBe(9007199254740993n);
    expect(await conn.incrby('neg', -9007199254740993n)).toBe(-9007199254740993n);
  });

  it('RESP3-only types arrive in their RESP2 forms', async () => {
    // Big numbers and doubles become bulk strings, booleans integers, maps flat arrays, verbatim bulk strings.
    expect(await conn.call('DEBUG', 'PROTOCOL', 'bignum')).toBe('1234567999999999999999999999999999999');
    expect(await conn.call('DEBUG', 'PROTOCOL', 'double')).toBe('3.141');
    expect(await conn.call('DEBUG', 'PROTOCOL', 'true')).toBe(1);
    expect(await conn.call('DEBUG', 'PROTOCOL', 'false')).toBe(0);
    expect(await conn.call('DEBUG', 'PROTOCOL', 'map')).toEqual([0, 0, 1, 1, 2, 0]);
    expect(await conn.call('DEBUG', 'PROTOCOL', 'set')).toEqual([0, 1, 2]);
    expect(await conn.call('DEBUG', 'PROTOCOL', 'verbatim')).toBe('This is a verbatim\nstring');
    expect(await conn.call('DEBUG', 'PROTOCOL', 'attrib')).toBe('Some real reply following the attribute');
    await expect(conn.call('DEBUG', 'PROTOCOL', 'push')).rejects.toMatchObject({ prefix: 'ERR' });
  });

  it('typed methods give the same results as over RESP3', async () => {
    await conn.call('ZADD', 'z', '1.5', 'a');
    expect(await conn.zscore('z', 'a')).toBe(1.5);
    await conn.hset('h', { a: '1', b: '2' });
    expect(await conn.call('HGETALL', 'h')).toEqual(['a', '1', 'b', '2']);
    expect({ ...(await conn.hgetall('h')) }).toEqual({ a: '1', b: '2' });
  });

  it('error replies carry their prefix', async () => {
    await conn.set('str', 'x');
    await expect(conn.lpush('str', 'a')).rejects.toMatchObject({ prefix: 'WRONGTYPE', command: 'LPUSH' });
    expect(await conn.get('str')).toBe('x');
  });
});

describe(onServer('RESP2 fallback where the server does not know HELLO'), () => {
  let legacy: DevStandalone;
  beforeAll(async () => {
    legacy = await startStandalone({
      password: 'legacy-pass',
      extraConfig: ['rename-command HELLO ""', 'user bob on >bob-pass ~* +@all'],
    });
  });
  afterAll(async () => {
    await legacy?.stop();
  });

  it('asks for RESP3, falls back to RESP2, and still authenticates and names the connection', async () => {
    const conn = await new Client({
      host: '127.0.0.1',
      port: legacy.port,
      password: 'legacy-pass',
      clientName: 'fallback-test',
    }).getMultiplexedConnection();
    try {
      expect(conn.protocol).toBe(2);
      expect(await conn.set('k', 'v')).toBe('OK');
      expect(await conn.get('k')).toBe('v');
      expect(await conn.incr('n')).toBe(1);
      expect(await conn.call('CLIENT', 'GETNAME')).toBe('fallback-test');
      expect(await conn.call('CLIENT', 'INFO')).toMatch(/ resp=2\b/);
    } finally {
      await conn.close();
    }
  });

  it('falls back with an ACL user, on a ConnectionManager too', async () => {
    const manager = await new Client(
      `redis://bob:bob-pass@127.0.0.1:${legacy.port}/2?clientName=fallback-manager`,
    ).getConnectionManager();
    try {
      expect(await manager.call('ACL', 'WHOAMI')).toBe('bob');
      expect(await manager.set('only-in-db-2', 'v')).toBe('OK');
      expect(await manager.call('CLIENT', 'INFO')).toMatch(/ db=2 .* resp=2\b/);
      expect(await manager.get('only-in-db-2')).toBe('v');
      expect(await legacy.admin('EXISTS', 'only-in-db-2')).toBe(0); // the admin connection is on db 0
    } finally {
      await manager.close();
    }
  });

  it('a wrong password on the fallback path fails with a clear authentication error', async () => {
    const error = await new Client({
      host: '127.0.0.1',
      port: legacy.port,
      username: 'bob',
      password: 'nope-nope',
    })
      .getMultiplexedConnection()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_KEYSLOT_CONNECTION' });
    expect((error as Error).message).toMatch(/authentication as user 'bob' failed/);
    expect((error as Error).message).not.toContain('nope-nope');
  });
});
