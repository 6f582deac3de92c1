import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import type { RedisCommands } from '../../../src/commands/redis-commands.js';
import { buf, bytes, FakeConnection } from '../../support/fake-connection.js';

type Case = [string, (conn: RedisCommands<string>) => Promise<unknown>, RedisArg[]];

describe('stream commands: arguments', () => {
  const cases: Case[] = [
    ['xadd', (c) => c.xadd('s', { a: '1', b: 2 }), ['XADD', 's', '*', 'a', '1', 'b', 2]],
    [
      'xadd map',
      (c) => c.xadd('s', new Map([[bytes(0xff), bytes(0)]])),
      ['XADD', 's', '*', bytes(0xff), bytes(0)],
    ],
    [
      'xadd options',
      (c) =>
        c.xadd(
          's',
          { a: '1' },
          {
            id: '5-1',
            nomkstream: true,
            trim: { strategy: 'MAXLEN', threshold: 100, approximate: true, limit: 10 },
          },
        ),
      ['XADD', 's', 'NOMKSTREAM', 'MAXLEN', '~', 100, 'LIMIT', 10, '5-1', 'a', '1'],
    ],
    [
      'xadd minid',
      (c) => c.xadd('s', { a: '1' }, { trim: { strategy: 'MINID', threshold: '10-0' } }),
      ['XADD', 's', 'MINID', '10-0', '*', 'a', '1'],
    ],
    ['xlen', (c) => c.xlen('s'), ['XLEN', 's']],
    ['xrange', (c) => c.xrange('s'), ['XRANGE', 's', '-', '+']],
    [
      'xrange bounds count',
      (c) => c.xrange('s', '1-0', '(5-0', { count: 2 }),
      ['XRANGE', 's', '1-0', '(5-0', 'COUNT', 2],
    ],
    ['xrevrange', (c) => c.xrevrange('s'), ['XREVRANGE', 's', '+', '-']],
    [
      'xrevrange count',
      (c) => c.xrevrange('s', '9', '1', { count: 1 }),
      ['XREVRANGE', 's', '9', '1', 'COUNT', 1],
    ],
    ['xdel', (c) => c.xdel('s', '1-0', '2-0'), ['XDEL', 's', '1-0', '2-0']],
    ['xtrim', (c) => c.xtrim('s', { strategy: 'MAXLEN', threshold: 0 }), ['XTRIM', 's', 'MAXLEN', 0]],
    ['xread', (c) => c.xread({ key: 's', id: '0' }), ['XREAD', 'STREAMS', 's', '0']],
    [
      'xread many with options',
      (c) =>
        c.xread(
          [
            { key: 'a', id: '0' },
            { key: 'b', id: '$' },
          ],
          { count: 10, block: 500 },
        ),
      ['XREAD', 'COUNT', 10, 'BLOCK', 500, 'STREAMS', 'a', 'b', '0', '$'],
    ],
    [
      'xreadgroup',
      (c) => c.xreadgroup('g', 'c1', { key: 's', id: '>' }, { count: 1, block: 0, noack: true }),
      ['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', 1, 'BLOCK', 0, 'NOACK', 'STREAMS', 's', '>'],
    ],
    ['xgroup create', (c) => c.xgroupCreate('s', 'g'), ['XGROUP', 'CREATE', 's', 'g', '$']],
    [
      'xgroup create options',
      (c) => c.xgroupCreate('s', 'g', '0', { mkstream: true, entriesRead: 3 }),
      ['XGROUP', 'CREATE', 's', 'g', '0', 'MKSTREAM', 'ENTRIESREAD', 3],
    ],
    ['xgroup destroy', (c) => c.xgroupDestroy('s', 'g'), ['XGROUP', 'DESTROY', 's', 'g']],
    [
      'xgroup createconsumer',
      (c) => c.xgroupCreateConsumer('s', 'g', 'c'),
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'],
    ],
    [
      'xgroup delconsumer',
      (c) => c.xgroupDelConsumer('s', 'g', 'c'),
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'c'],
    ],
    [
      'xgroup setid',
      (c) => c.xgroupSetId('s', 'g', '0', { entriesRead: 0 }),
      ['XGROUP', 'SETID', 's', 'g', '0', 'ENTRIESREAD', 0],
    ],
    ['xack', (c) => c.xack('s', 'g', '1-0', '2-0'), ['XACK', 's', 'g', '1-0', '2-0']],
    ['xack array', (c) => c.xack('s', 'g', ['1-0']), ['XACK', 's', 'g', '1-0']],
    ['xpending', (c) => c.xpending('s', 'g'), ['XPENDING', 's', 'g']],
    ['xpending range', (c) => c.xpendingRange('s', 'g', '-', '+', 10), ['XPENDING', 's', 'g', '-', '+', 10]],
    [
      'xpending range options',
      (c) => c.xpendingRange('s', 'g', '-', '+', 10, { idle: 1000, consumer: 'c' }),
      ['XPENDING', 's', 'g', 'IDLE', 1000, '-', '+', 10, 'c'],
    ],
    ['xclaim', (c) => c.xclaim('s', 'g', 'c', 100, '1-0'), ['XCLAIM', 's', 'g', 'c', 100, '1-0']],
    [
      'xclaim options',
      (c) =>
        c.xclaim('s', 'g', 'c', 100, ['1-0', '2-0'], {
          idle: 5,
          time: 6,
          retryCount: 7,
          force: true,
          lastId: '3-0',
        }),
      [
        'XCLAIM',
        's',
        'g',
        'c',
        100,
        '1-0',
        '2-0',
        'IDLE',
        5,
        'TIME',
        6,
        'RETRYCOUNT',
        7,
        'FORCE',
        'LASTID',
        '3-0',
      ],
    ],
    [
      'xclaim justid',
      (c) => c.xclaimJustId('s', 'g', 'c', 100, ['1-0'], { lastId: '3-0' }),
      ['XCLAIM', 's', 'g', 'c', 100, '1-0', 'JUSTID', 'LASTID', '3-0'],
    ],
    [
      'xautoclaim',
      (c) => c.xautoclaim('s', 'g', 'c', 100, '0-0', { count: 5 }),
      ['XAUTOCLAIM', 's', 'g', 'c', 100, '0-0', 'COUNT', 5],
    ],
    [
      'xautoclaim justid',
      (c) => c.xautoclaimJustId('s', 'g', 'c', 100, '0-0'),
      ['XAUTOCLAIM', 's', 'g', 'c', 100, '0-0', 'JUSTID'],
    ],
    ['xinfo stream', (c) => c.xinfoStream('s'), ['XINFO', 'STREAM', 's']],
    ['xinfo groups', (c) => c.xinfoGroups('s'), ['XINFO', 'GROUPS', 's']],
    ['xinfo consumers', (c) => c.xinfoConsumers('s', 'g'), ['XINFO', 'CONSUMERS', 's', 'g']],
  ];

  it.each(cases)('%s', async (_, call, words) => {
    const conn = new FakeConnection().reply(null);
    await call(conn).catch(() => undefined);
    expect(conn.words).toEqual(words);
  });
});

const rawEntries = [
  ['1-0', ['a', '1', 'b', '2']],
  ['2-0', ['a', '3']],
];

describe('stream replies', () => {
  it('xrange: { id, fields } with null-prototype field objects', async () => {
    const conn = new FakeConnection().reply(rawEntries);
    const entries = await conn.xrange('s');
    expect(entries).toEqual([
      { id: '1-0', fields: { a: '1', b: '2' } },
      { id: '2-0', fields: { a: '3' } },
    ]);
    expect(Object.getPrototypeOf(entries[0]?.fields)).toBeNull();
  });

  it('xrange on the Buffer view: text IDs, Map fields with the exact bytes', async () => {
    const conn = new FakeConnection().reply([
      [buf('1-0'), [bytes(0xff), bytes(0xfe), bytes(0xfe), bytes(1)]],
    ]);
    const entries = await conn.buffers.xrevrange('s');
    expect(conn.last.returnBuffers).toBe(true);
    expect(entries[0]?.id).toBe('1-0');
    expect([...(entries[0]?.fields ?? new Map()).entries()]).toEqual([
      [bytes(0xff), bytes(0xfe)],
      [bytes(0xfe), bytes(1)],
    ]);
  });

  it('xread: RESP2 array of [name, entries] and RESP3 Map give the same { name, messages }[]', async () => {
    const expected = [
      {
        name: 's',
        messages: [
          { id: '1-0', fields: { a: '1', b: '2' } },
          { id: '2-0', fields: { a: '3' } },
        ],
      },
    ];
    const conn = new FakeConnection().reply([['s', rawEntries]], new Map([['s', rawEntries]]), null);
    expect(await conn.xread({ key: 's', id: '0' })).toEqual(expected);
    expect(await conn.xread({ key: 's', id: '0' })).toEqual(expected);
    expect(await conn.xread({ key: 's', id: '$' }, { block: 10 })).toBeNull();
  });

  it('xreadgroup: deleted entries of the pending history have fields null', async () => {
    const conn = new FakeConnection().reply(new Map([[buf('s'), [[buf('1-0'), null]]]]));
    const result = await conn.buffers.xreadgroup('g', 'c', { key: 's', id: '0' });
    expect(result).toEqual([{ name: buf('s'), messages: [{ id: '1-0', fields: null }] }]);
  });

  it('xpending summary, with and without pending entries', async () => {
    const conn = new FakeConnection().reply(
      [
        3,
        '1-0',
        '3-0',
        [
          ['alice', '2'],
          ['bob', '1'],
        ],
      ],
      [0, null, null, null],
    );
    expect(await conn.xpending('s', 'g')).toEqual({
      count: 3,
      minId: '1-0',
      maxId: '3-0',
      consumers: [
        { name: 'alice', pending: 2 },
        { name: 'bob', pending: 1 },
      ],
    });
    expect(await conn.xpending('s', 'g')).toEqual({ count: 0, minId: null, maxId: null, consumers: [] });
  });

  it('xpending range', async () => {
    const conn = new FakeConnection().reply([['1-0', 'alice', 1500, 2]]);
    expect(await conn.xpendingRange('s', 'g', '-', '+', 10)).toEqual([
      { id: '1-0', consumer: 'alice', idleMs: 1500, deliveries: 2 },
    ]);
  });

  it('xclaim, xautoclaim and their JUSTID forms', async () => {
    const conn = new FakeConnection().reply(
      rawEntries,
      ['1-0', '2-0'],
      ['0-0', rawEntries, ['9-0']],
      [buf('5-0'), [buf('1-0')], []],
    );
    expect(await conn.xclaim('s', 'g', 'c', 0, '1-0')).toHaveLength(2);
    expect(await conn.xclaimJustId('s', 'g', 'c', 0, '1-0')).toEqual(['1-0', '2-0']);
    const claimed = await conn.xautoclaim('s', 'g', 'c', 0, '0-0');
    expect(claimed.nextId).toBe('0-0');
    expect(claimed.entries[1]).toEqual({ id: '2-0', fields: { a: '3' } });
    expect(claimed.deletedIds).toEqual(['9-0']);
    expect(await conn.xautoclaimJustId('s', 'g', 'c', 0, '0-0')).toEqual({
      nextId: '5-0',
      entries: ['1-0'],
      deletedIds: [],
    });
  });

  it('xgroup destroy and createconsumer give booleans', async () => {
    const conn = new FakeConnection().reply(1, 0);
    expect(await conn.xgroupDestroy('s', 'g')).toBe(true);
    expect(await conn.xgroupCreateConsumer('s', 'g', 'c')).toBe(false);
  });

  it('xinfo stream: RESP2 flat and RESP3 Map, entries decoded', async () => {
    const flat = [
      'length',
      2,
      'last-generated-id',
      '2-0',
      'groups',
      0,
      'first-entry',
      rawEntries[0],
      'last-entry',
      rawEntries[1],
    ];
    const map = new Map<string, unknown>();
    for (let i = 0; i < flat.length; i += 2) map.set(flat[i] as string, flat[i + 1]);
    const conn = new FakeConnection().reply(flat, map);
    for (let i = 0; i < 2; i++) {
      const info = await conn.xinfoStream('s');
      expect(info.length).toBe(2);
      expect(info['last-generated-id']).toBe('2-0');
      expect(info['first-entry']).toEqual({ id: '1-0', fields: { a: '1', b: '2' } });
      expect(info['last-entry']).toEqual({ id: '2-0', fields: { a: '3' } });
    }
  });

  it('xinfo groups / consumers: one object per item, in both shapes', async () => {
    const conn = new FakeConnection().reply(
      [['name', 'g', 'consumers', 1]],
      [
        new Map<string, unknown>([
          ['name', 'c'],
          ['pending', 0],
        ]),
      ],
    );
    expect(await conn.xinfoGroups('s')).toEqual([{ name: 'g', consumers: 1 }]);
    expect(await conn.xinfoConsumers('s', 'g')).toEqual([{ name: 'c', pending: 0 }]);
  });

  it('xadd gives the ID as text, even on the Buffer view', async () => {
    const conn = new FakeConnection().reply('1-0');
    expect(await conn.buffers.xadd('s', { a: '1' })).toBe('1-0');
    expect(conn.last.returnBuffers).toBe(false);
  });
});
