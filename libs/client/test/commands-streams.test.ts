import { type DevStandalone, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, type MultiplexedConnection } from '../src/index.js';
import { onServer } from './support/server.js';
import { untilBlocked } from './support/until-blocked.js';

let server: DevStandalone;
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});

describe.each([2, 3] as const)(onServer('stream commands over RESP%i'), (protocol) => {
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
  it('xadd, xlen, xrange, xrevrange, xdel, xtrim', async () => {
    expect(await conn.xadd('s', { a: '1' }, { id: '1-0' })).toBe('1-0');
    expect(await conn.xadd('s', new Map([['b', '2']]), { id: '2-0' })).toBe('2-0');
    const generated = await conn.xadd('s', { c: '3', d: '4' });
    expect(generated).toMatch(/^\d+-\d+$/);
    expect(await conn.xadd('missing', { a: '1' }, { nomkstream: true })).toBeNull();
    expect(await conn.xlen('s')).toBe(3);
    expect(await conn.xrange('s', '-', '+', { count: 2 })).toEqual([
      { id: '1-0', fields: { a: '1' } },
      { id: '2-0', fields: { b: '2' } },
    ]);
    expect(await conn.xrevrange('s', '+', '-', { count: 1 })).toEqual([
      { id: generated, fields: { c: '3', d: '4' } },
    ]);
    expect(await conn.xrange('s', '(1-0', '2-0')).toEqual([{ id: '2-0', fields: { b: '2' } }]);
    expect(await conn.xdel('s', '1-0', '9-9')).toBe(1);
    expect(await conn.xtrim('s', { strategy: 'MAXLEN', threshold: 1 })).toBe(1);
    expect(await conn.xadd('s', { e: '5' }, { trim: { strategy: 'MAXLEN', threshold: 1 } })).toMatch(/-/);
    expect(await conn.xlen('s')).toBe(1);
    expect(await conn.xtrim('s', { strategy: 'MINID', threshold: '0-1', approximate: true, limit: 10 })).toBe(
      0,
    );
  });

  it('xread: entries per stream, null when none, and BLOCK woken by a new entry', async () => {
    await conn.xadd('a', { n: '1' }, { id: '1-0' });
    await conn.xadd('b', { n: '2' }, { id: '1-0' });
    expect(
      await conn.xread([
        { key: 'a', id: '0' },
        { key: 'b', id: '0' },
      ]),
    ).toEqual([
      { name: 'a', messages: [{ id: '1-0', fields: { n: '1' } }] },
      { name: 'b', messages: [{ id: '1-0', fields: { n: '2' } }] },
    ]);
    expect(await conn.xread({ key: 'a', id: '1-0' })).toBeNull();
    expect(await conn.xread({ key: 'a', id: '$' }, { block: 100 })).toBeNull();
    const waiting = conn.xread({ key: 'a', id: '$' }, { block: 5000, count: 1 });
    await untilBlocked(conn);
    await conn.xadd('a', { n: 'late' }, { id: '2-0' });
    expect(await waiting).toEqual([{ name: 'a', messages: [{ id: '2-0', fields: { n: 'late' } }] }]);
  });

  it('consumer group round trip: create, read, pending, claim, ack, info, destroy', async () => {
    expect(await conn.xgroupCreate('jobs', 'workers', '$', { mkstream: true })).toBe('OK');
    await expect(conn.xgroupCreate('jobs', 'workers')).rejects.toMatchObject({ prefix: 'BUSYGROUP' });
    expect(await conn.xgroupCreateConsumer('jobs', 'workers', 'alice')).toBe(true);
    expect(await conn.xgroupCreateConsumer('jobs', 'workers', 'alice')).toBe(false);
    await conn.xadd('jobs', { task: 'one' }, { id: '1-0' });
    await conn.xadd('jobs', { task: 'two' }, { id: '2-0' });

    const read = await conn.xreadgroup('workers', 'alice', { key: 'jobs', id: '>' }, { count: 10 });
    expect(read).toEqual([
      {
        name: 'jobs',
        messages: [
          { id: '1-0', fields: { task: 'one' } },
          { id: '2-0', fields: { task: 'two' } },
        ],
      },
    ]);
    expect(await conn.xreadgroup('workers', 'alice', { key: 'jobs', id: '>' })).toBeNull();
    expect(await conn.xreadgroup('workers', 'alice', { key: 'jobs', id: '>' }, { block: 50 })).toBeNull();

    const summary = await conn.xpending('jobs', 'workers');
    expect(summary).toEqual({
      count: 2,
      minId: '1-0',
      maxId: '2-0',
      consumers: [{ name: 'alice', pending: 2 }],
    });
    const pending = await conn.xpendingRange('jobs', 'workers', '-', '+', 10, { consumer: 'alice' });
    expect(pending.map((entry) => [entry.id, entry.consumer, entry.deliveries])).toEqual([
      ['1-0', 'alice', 1],
      ['2-0', 'alice', 1],
    ]);
    expect(pending[0]?.idleMs).toBeGreaterThanOrEqual(0);

    const claimed = await conn.xclaim('jobs', 'workers', 'bob', 0, ['1-0']);
    expect(claimed).toEqual([{ id: '1-0', fields: { task: 'one' } }]);
    expect(await conn.xclaimJustId('jobs', 'workers', 'bob', 0, '2-0')).toEqual(['2-0']);
    const auto = await conn.xautoclaim('jobs', 'workers', 'carol', 0, '0-0', { count: 1 });
    expect(auto.entries).toEqual([{ id: '1-0', fields: { task: 'one' } }]);
    expect(auto.nextId).toBe('2-0');
    expect(auto.deletedIds).toEqual([]);
    const autoIds = await conn.xautoclaimJustId('jobs', 'workers', 'carol', 0, '0-0');
    expect(autoIds).toEqual({ nextId: '0-0', entries: ['1-0', '2-0'], deletedIds: [] });

    // Carol's own history, after one entry was deleted: its fields are null.
    await conn.xdel('jobs', '2-0');
    const history = await conn.xreadgroup('workers', 'carol', { key: 'jobs', id: '0' });
    expect(history).toEqual([
      {
        name: 'jobs',
        messages: [
          { id: '1-0', fields: { task: 'one' } },
          { id: '2-0', fields: null },
        ],
      },
    ]);

    expect(await conn.xack('jobs', 'workers', '1-0', '2-0')).toBe(2);
    expect((await conn.xpending('jobs', 'workers')).count).toBe(0);

    const info = await conn.xinfoStream('jobs');
    expect(info.length).toBe(1);
    expect(info.groups).toBe(1);
    expect(info['last-generated-id']).toBe('2-0');
    expect(info['first-entry']).toEqual({ id: '1-0', fields: { task: 'one' } });
    const groups = await conn.xinfoGroups('jobs');
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ name: 'workers', pending: 0 });
    const consumers = await conn.xinfoConsumers('jobs', 'workers');
    expect(consumers.map((consumer) => consumer.name).sort()).toEqual(['alice', 'bob', 'carol']);

    expect(await conn.xgroupDelConsumer('jobs', 'workers', 'bob')).toBe(0);
    expect(await conn.xgroupSetId('jobs', 'workers', '0')).toBe('OK');
    expect(await conn.xgroupDestroy('jobs', 'workers')).toBe(true);
    expect(await conn.xgroupDestroy('jobs', 'workers')).toBe(false);
  });

  it('xreadgroup with BLOCK is woken by a new entry; NOACK leaves nothing pending', async () => {
    await conn.xgroupCreate('q', 'g', '$', { mkstream: true });
    const waiting = conn.xreadgroup('g', 'c', { key: 'q', id: '>' }, { block: 5000, noack: true });
    await untilBlocked(conn);
    await conn.xadd('q', { x: '1' }, { id: '5-0' });
    expect(await waiting).toEqual([{ name: 'q', messages: [{ id: '5-0', fields: { x: '1' } }] }]);
    expect((await conn.xpending('q', 'g')).count).toBe(0);
  });

  it('Buffer view: binary stream names, field names and values; IDs stay text', async () => {
    const key = Buffer.from([0x73, 0xff]);
    const field = Buffer.from([0xfe]);
    const value = Buffer.from([0x00, 0xff]);
    expect(await conn.buffers.xadd(key, new Map([[field, value]]), { id: '1-0' })).toBe('1-0');
    const entries = await conn.buffers.xrange(key);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.id).toBe('1-0');
    expect([...(entries[0]?.fields ?? new Map()).entries()]).toEqual([[field, value]]);
    const read = await conn.buffers.xread({ key, id: '0' });
    expect(read?.[0]?.name).toEqual(key);
    expect(read?.[0]?.messages[0]?.id).toBe('1-0');
    await conn.xgroupCreate(key, 'g', '0');
    const group = await conn.buffers.xreadgroup('g', 'c', { key, id: '>' });
    expect([...(group?.[0]?.messages[0]?.fields ?? new Map()).values()]).toEqual([value]);
    const summary = await conn.buffers.xpending(key, 'g');
    expect(summary.consumers).toEqual([{ name: Buffer.from('c'), pending: 1 }]);
  });
});
