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

describe.each([2, 3] as const)(onServer('string and key commands over RESP%i'), (protocol) => {
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

  it('get / set with options', async () => {
    expect(await conn.get('k')).toBeNull();
    expect(await conn.set('k', 'v')).toBe('OK');
    expect(await conn.get('k')).toBe('v');
    expect(await conn.set('k', 'w', { nx: true })).toBeNull();
    expect(await conn.set('k', 'w', { xx: true, get: true })).toBe('v');
    expect(await conn.set('k', 'x', { ex: 100, get: true })).toBe('w');
    expect(await conn.ttl('k')).toBeGreaterThan(90);
    expect(await conn.set('k', 'y', { keepTtl: true })).toBe('OK');
    expect(await conn.ttl('k')).toBeGreaterThan(90);
    expect(await conn.set('k', 'z', { px: 50_000 })).toBe('OK');
    expect(await conn.pttl('k')).toBeGreaterThan(40_000);
    await expect(conn.set('k', 'z', { nx: true, xx: true })).rejects.toMatchObject({ prefix: 'ERR' });
  });

  it('setnx, setex, psetex, getset, getdel, getex', async () => {
    expect(await conn.setnx('a', '1')).toBe(true);
    expect(await conn.setnx('a', '2')).toBe(false);
    expect(await conn.setex('b', 100, 'x')).toBe('OK');
    expect(await conn.psetex('c', 100_000, 'y')).toBe('OK');
    expect(await conn.getset('a', '3')).toBe('1');
    expect(await conn.getdel('a')).toBe('3');
    expect(await conn.getdel('a')).toBeNull();
    expect(await conn.getex('b', { persist: true })).toBe('x');
    expect(await conn.ttl('b')).toBe(-1);
    expect(await conn.getex('b', { ex: 50 })).toBe('x');
    expect(await conn.ttl('b')).toBeGreaterThan(40);
    expect(await conn.getex('missing')).toBeNull();
  });

  it('mget, mset, msetnx', async () => {
    expect(await conn.mset({ a: '1', b: 2 })).toBe('OK');
    expect(await conn.mget('a', 'b', 'missing')).toEqual(['1', '2', null]);
    expect(await conn.mget(['b'])).toEqual(['2']);
    expect(await conn.msetnx({ c: '3', a: 'x' })).toBe(false);
    expect(await conn.msetnx({ c: '3', d: '4' })).toBe(true);
  });

  it('counters', async () => {
    expect(await conn.incr('n')).toBe(1);
    expect(await conn.incrby('n', 10)).toBe(11);
    expect(await conn.decr('n')).toBe(10);
    expect(await conn.decrby('n', 3)).toBe(7);
    expect(await conn.incrbyfloat('n', 0.5)).toBe(7.5);
    await conn.set('big', '9007199254740993');
    expect(await conn.incr('big')).toBe(9007199254740994n);
    await conn.set('s', 'x');
    await expect(conn.incr('s')).rejects.toBeInstanceOf(ReplyError);
  });

  it('append, strlen, getrange, setrange', async () => {
    expect(await conn.append('s', 'hello')).toBe(5);
    expect(await conn.append('s', ' world')).toBe(11);
    expect(await conn.strlen('s')).toBe(11);
    expect(await conn.getrange('s', 0, 4)).toBe('hello');
    expect(await conn.setrange('s', 6, 'WORLD')).toBe(11);
    expect(await conn.get('s')).toBe('hello WORLD');
  });

  it('Buffer view: byte-exact values', async () => {
    const value = Buffer.from([0xff, 0x00, 0xfe, 0x80]);
    await conn.set('bin', value);
    expect(await conn.buffers.get('bin')).toEqual(value);
    expect(await conn.buffers.mget('bin', 'missing')).toEqual([value, null]);
    expect(await conn.buffers.getrange('bin', 0, 1)).toEqual(Buffer.from([0xff, 0x00]));
    expect(await conn.buffers.set('bin', 'x', { get: true })).toEqual(value);
  });

  it('del, unlink, exists, touch', async () => {
    await conn.mset({ a: '1', b: '1', c: '1' });
    expect(await conn.exists('a', 'a', 'missing')).toBe(2);
    expect(await conn.touch('a', 'b')).toBe(2);
    expect(await conn.del('a', 'missing')).toBe(1);
    expect(await conn.unlink(['b', 'c'])).toBe(2);
  });

  it('expiry with modes', async () => {
    await conn.set('k', 'v');
    expect(await conn.expire('k', 100, 'XX')).toBe(false);
    expect(await conn.expire('k', 100, 'NX')).toBe(true);
    expect(await conn.expire('k', 50, 'GT')).toBe(false);
    expect(await conn.expire('k', 50, 'LT')).toBe(true);
    expect(await conn.pexpire('k', 200_000)).toBe(true);
    const at = Math.floor(Date.now() / 1000) + 1000;
    expect(await conn.expireat('k', at)).toBe(true);
    expect(await conn.expiretime('k')).toBe(at);
    expect(await conn.pexpireat('k', at * 1000)).toBe(true);
    expect(await conn.pexpiretime('k')).toBe(at * 1000);
    expect(await conn.persist('k')).toBe(true);
    expect(await conn.persist('k')).toBe(false);
    expect(await conn.ttl('k')).toBe(-1);
    expect(await conn.ttl('missing')).toBe(-2);
    expect(await conn.expire('missing', 10)).toBe(false);
  });

  it('type, rename, renamenx, copy', async () => {
    await conn.set('a', '1');
    await conn.rpush('l', 'x');
    expect(await conn.type('a')).toBe('string');
    expect(await conn.type('l')).toBe('list');
    expect(await conn.type('missing')).toBe('none');
    expect(await conn.rename('a', 'b')).toBe('OK');
    expect(await conn.renamenx('b', 'l')).toBe(false);
    expect(await conn.copy('b', 'c')).toBe(true);
    expect(await conn.copy('b', 'c')).toBe(false);
    expect(await conn.copy('b', 'l', { replace: true })).toBe(true);
    expect(await conn.get('l')).toBe('1');
    expect(await conn.copy('b', 'b', { db: 1 })).toBe(true);
  });

  it('dump and restore round-trip the serialised bytes', async () => {
    await conn.hset('h', { a: '1', b: '2' });
    const dumped = await conn.dump('h');
    expect(Buffer.isBuffer(dumped)).toBe(true);
    expect(await conn.dump('missing')).toBeNull();
    expect(await conn.restore('h2', 0, dumped as Buffer)).toBe('OK');
    expect(await conn.hgetall('h2')).toEqual({ a: '1', b: '2' });
    await expect(conn.restore('h2', 0, dumped as Buffer)).rejects.toMatchObject({ prefix: 'BUSYKEY' });
    expect(await conn.restore('h2', 0, dumped as Buffer, { replace: true, idleTime: 10 })).toBe('OK');
  });

  it('object encoding, randomkey, keys, scan', async () => {
    expect(await conn.randomkey()).toBeNull();
    expect(await conn.objectEncoding('missing')).toBeNull();
    await conn.set('n', '123');
    expect(await conn.objectEncoding('n')).toBe('int');
    expect(await conn.objectRefcount('n')).toBeGreaterThanOrEqual(1);
    expect(await conn.objectIdletime('n')).toBeGreaterThanOrEqual(0);
    await conn.mset({ 'user:1': 'a', 'user:2': 'b' });
    await conn.hset('user:h', 'f', 'v');
    expect(await conn.randomkey()).toEqual(expect.any(String));
    expect((await conn.keys('user:*')).sort()).toEqual(['user:1', 'user:2', 'user:h']);
    const found: string[] = [];
    let cursor = '0';
    do {
      const page = await conn.scan(cursor, { match: 'user:*', count: 1 });
      cursor = page.cursor;
      found.push(...page.keys);
    } while (cursor !== '0');
    expect([...new Set(found)].sort()).toEqual(['user:1', 'user:2', 'user:h']);
    const hashes = await conn.scan(0, { type: 'hash', count: 100 });
    expect(hashes.keys).toEqual(['user:h']);
    const page = await conn.buffers.scan(0, { match: 'user:1', count: 100 });
    expect(page.cursor).toBe('0');
    expect(page.keys).toEqual([Buffer.from('user:1')]);
  });
});
