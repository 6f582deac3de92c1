import { type DevStandalone, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { Client, type MultiplexedConnection } from '../src/index.js';
import { onServer } from './support/server.js';
import { expected } from './support/server-expectations.js';

let server: DevStandalone;
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});

describe.each([2, 3] as const)(onServer('server and pub/sub commands over RESP%i'), (protocol) => {
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

  it('ping, echo', async () => {
    expect(await conn.ping()).toBe('PONG');
    expect(await conn.ping('hi')).toBe('hi');
    expect(await conn.echo('hello')).toBe('hello');
    expect(await conn.buffers.echo(Buffer.from([0xff]))).toEqual(Buffer.from([0xff]));
  });

  it('dbsize, flushdb, flushall', async () => {
    await conn.mset({ a: '1', b: '2' });
    expect(await conn.dbsize()).toBe(2);
    expect(await conn.flushdb('ASYNC')).toBe('OK');
    await conn.set('a', '1');
    expect(await conn.flushall('SYNC')).toBe('OK');
    expect(await conn.dbsize()).toBe(0);
  });

  it('info is text in both views, for one or several sections', async () => {
    const info = await conn.info();
    expectTypeOf(info).toEqualTypeOf<string>();
    expect(info).toContain('redis_version:');
    expect(await conn.info('memory')).toContain('used_memory:');
    const several = await conn.info(['server', 'clients']);
    expect(several).toContain('# Server');
    expect(several).toContain('# Clients');
    expect(typeof (await conn.buffers.info('server'))).toBe('string');
  });

  it('time, lastsave', async () => {
    const time = await conn.time();
    expect(Math.abs(time.seconds - Date.now() / 1000)).toBeLessThan(60);
    expect(time.microseconds).toBeGreaterThanOrEqual(0);
    expect(time.microseconds).toBeLessThan(1_000_000);
    expect(await conn.lastsave()).toBeGreaterThan(0);
  });

  it('config get / set', async () => {
    expect(await conn.configSet({ 'slowlog-max-len': 64 })).toBe('OK');
    expect(await conn.configGet('slowlog-max-len')).toEqual({ 'slowlog-max-len': '64' });
    const several = await conn.configGet('slowlog-*', 'hz');
    expect(Object.keys(several).sort()).toEqual(['hz', 'slowlog-log-slower-than', 'slowlog-max-len']);
    await expect(conn.configSet({ 'no-such-option': 1 })).rejects.toMatchObject({ prefix: 'ERR' });
  });

  it('client setname / getname / id / info', async () => {
    expect(await conn.clientSetname(`commands-test-${protocol}`)).toBe('OK');
    expect(await conn.clientGetname()).toBe(`commands-test-${protocol}`);
    const id = await conn.clientId();
    expect(id).toBeGreaterThan(0);
    const info = await conn.clientInfo();
    expect(info).toContain(`id=${id} `);
    expect(info).toContain(`name=commands-test-${protocol}`);
    expect(info).toContain(`resp=${protocol}`);
  });

  it('command count, memory usage, wait', async () => {
    expect(await conn.commandCount()).toBeGreaterThan(100);
    await conn.set('k', 'value');
    expect(await conn.memoryUsage('k')).toBeGreaterThan(0);
    expect(await conn.memoryUsage('k', { samples: 0 })).toBeGreaterThan(0);
    expect(await conn.memoryUsage('missing')).toBeNull();
    expect(await conn.wait(0, 100)).toBe(0);
  });

  it('waitaof: typed on servers that have it (Redis 7.2+, Valkey), the server error otherwise', async () => {
    if (expected().commands.waitaof) {
      expect(await conn.waitaof(0, 0, 100)).toEqual({ local: 0, replicas: 0 });
    } else {
      await expect(conn.waitaof(0, 0, 100)).rejects.toMatchObject({ prefix: 'ERR' });
    }
  });

  it('call runs any command, multi-word ones included', async () => {
    expect(await conn.call('SET', 'k', 'v')).toBe('OK');
    expect(await conn.call('get', 'k')).toBe('v');
    expect(await conn.call('OBJECT', 'ENCODING', 'k')).toBe('embstr');
    expect(await conn.buffers.call('GET', 'k')).toEqual(Buffer.from('v'));
  });

  it('publish, spublish and PUBSUB introspection', async () => {
    expect(await conn.publish('news', 'hello')).toBe(0);
    expect(await conn.spublish('shard-news', 'hello')).toBe(0);
    expect(await conn.pubsubChannels()).toEqual([]);
    expect(await conn.pubsubChannels('news*')).toEqual([]);
    expect(await conn.pubsubNumsub('news', 'other')).toEqual({ news: 0, other: 0 });
    expect(await conn.pubsubNumpat()).toBe(0);
    expect(await conn.pubsubShardchannels()).toEqual([]);
    expect(await conn.pubsubShardnumsub('shard-news')).toEqual({ 'shard-news': 0 });
    const counts = await conn.buffers.pubsubNumsub(Buffer.from([0xff]));
    expect([...counts.entries()]).toEqual([[Buffer.from([0xff]), 0]]);
  });
});
