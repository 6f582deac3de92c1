// Cases of the data commands that issue 17 added (bitmaps, HyperLogLog, hash-field expiry, strings, keys, lists,
// streams, sorted sets): each asserts the reply's exact JavaScript value.
import { expect } from 'vitest';
import { defineCase } from '../command-cases.js';

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

export const dataCases = [
  // Bitmaps
  defineCase({
    methods: ['setbit', 'getbit'],
    command: 'SETBIT',
    setup: (c) => c.setbit('b', 7, 1),
    run: async (c) => [
      await c.setbit('b', 7, 0),
      await c.setbit('b', 7, 1),
      await c.getbit('b', 7),
      await c.getbit('b', 100),
    ],
    check: (v) => expect(v).toEqual([1, 0, 1, 0]),
  }),
  defineCase({
    methods: ['bitcount'],
    command: 'BITCOUNT',
    setup: (c) => c.set('b', 'foobar'),
    run: async (c) => [
      await c.bitcount('b'),
      await c.bitcount('b', { start: 1, end: 1 }),
      await c.bitcount('b', { start: 5, end: 30, unit: 'BIT' }),
    ],
    check: (v) => expect(v).toEqual([26, 6, 17]),
  }),
  defineCase({
    methods: ['bitpos'],
    command: 'BITPOS',
    setup: (c) => c.set('b', Buffer.from([0xff, 0xf0, 0x00])),
    run: async (c) => [
      await c.bitpos('b', 0),
      await c.bitpos('b', 1, { start: 2 }),
      await c.bitpos('b', 1, { start: 7, end: 15, unit: 'BIT' }),
      await c.bitpos('missing', 1),
    ],
    check: (v) => expect(v).toEqual([12, -1, 7, -1]),
  }),
  defineCase({
    methods: ['bitop'],
    command: 'BITOP',
    setup: (c) => c.mset({ '{b}1': 'abc', '{b}2': 'ab' }),
    run: async (c) => [await c.bitop('AND', '{b}d', '{b}1', '{b}2'), await c.get('{b}d')],
    check: (v) => expect(v).toEqual([3, 'ab\u0000']),
  }),
  defineCase({
    methods: ['bitfield', 'bitfieldRo'],
    command: 'BITFIELD_RO',
    run: async (c) => [
      await c.bitfield('b', [
        { set: { encoding: 'u8', offset: 0, value: 255 } },
        { get: { encoding: 'u4', offset: 0 } },
        { overflow: 'FAIL' },
        { incrby: { encoding: 'u8', offset: '#0', increment: 1 } },
        { overflow: 'SAT' },
        { incrby: { encoding: 'i8', offset: 8, increment: 200 } },
      ]),
      await c.bitfieldRo('b', [
        { encoding: 'u8', offset: 0 },
        { encoding: 'i8', offset: 8 },
      ]),
    ],
    check: (v) =>
      expect(v).toEqual([
        [0, 15, null, 127],
        [255, 127],
      ]),
  }),
  // HyperLogLog
  defineCase({
    methods: ['pfadd', 'pfcount', 'pfmerge'],
    command: 'PFMERGE',
    run: async (c) => [
      await c.pfadd('{h}1', 'a', 'b', 'c'),
      await c.pfadd('{h}1', ['a']),
      await c.pfadd('{h}2', 'c', 'd'),
      await c.pfcount('{h}1'),
      await c.pfcount('{h}1', '{h}2'),
      await c.pfmerge('{h}3', '{h}1', '{h}2'),
      await c.pfcount(['{h}3']),
    ],
    check: (v) => expect(v).toEqual([true, false, true, 3, 4, 'OK', 4]),
  }),
  // Hash-field expiry (Redis 7.4)
  defineCase({
    methods: ['hexpire', 'httl', 'hpersist'],
    command: 'HEXPIRE',
    setup: (c) => c.hset('h', { a: '1', b: '2' }),
    run: async (c) => {
      const set = await c.hexpire('h', 100, ['a', 'missing']);
      const ttl = await c.httl('h', ['a', 'b', 'missing']);
      return [
        set,
        await c.hexpire('h', 50, 'a', { condition: 'GT' }),
        ttl[0]! > 90,
        ttl.slice(1),
        await c.hpersist('h', ['a', 'b']),
      ];
    },
    check: (v) => expect(v).toEqual([[1, -2], [0], true, [-1, -2], [1, -1]]),
  }),
  defineCase({
    methods: ['hpexpire', 'hpttl', 'hexpiretime', 'hpexpiretime'],
    command: 'HPEXPIRE',
    setup: (c) => c.hset('h', { a: '1' }),
    run: async (c) => {
      const set = await c.hpexpire('h', 100_000, 'a');
      const [pttl] = await c.hpttl('h', 'a');
      const [seconds] = await c.hexpiretime('h', 'a');
      const [ms] = await c.hpexpiretime('h', ['a', 'missing']);
      return [
        set,
        pttl! > 90_000,
        Math.abs(seconds! - Date.now() / 1000 - 100) < 5,
        Math.abs(ms! - Date.now() - 100_000) < 5000,
      ];
    },
    check: (v) => expect(v).toEqual([[1], true, true, true]),
  }),
  defineCase({
    methods: ['hexpireat', 'hpexpireat'],
    command: 'HEXPIREAT',
    setup: (c) => c.hset('h', { a: '1', b: '2' }),
    run: async (c) => {
      const at = inAnHour();
      return [
        await c.hexpireat('h', at, 'a'),
        await c.hexpiretime('h', 'a'),
        await c.hpexpireat('h', at * 1000, ['b'], { condition: 'NX' }),
        await c.hpexpireat('h', at * 1000, ['b'], { condition: 'NX' }),
        (await c.hexpiretime('h', 'a'))[0] === at,
      ];
    },
    check: (v) => {
      expect(v[0]).toEqual([1]);
      expect(v.slice(2)).toEqual([[1], [0], true]);
    },
    varies: true,
  }),
  defineCase({
    methods: ['hmset'],
    command: 'HMSET',
    run: async (c) => [
      await c.hmset('h', { a: '1', b: 2 }),
      await c.hmset('h', new Map([['c', '3']])),
      await c.hgetall('h'),
    ],
    check: (v) => expect(v).toEqual(['OK', 'OK', { a: '1', b: '2', c: '3' }]),
  }),
  // Strings, keys, lists, streams
  defineCase({
    methods: ['substr'],
    command: 'SUBSTR',
    setup: (c) => c.set('s', 'hello world'),
    run: async (c) => [await c.substr('s', 0, 4), await c.substr('s', -5, -1)],
    check: (v) => expect(v).toEqual(['hello', 'world']),
  }),
  defineCase({
    methods: ['lcs', 'lcsLen', 'lcsIdx'],
    command: 'LCS',
    setup: (c) => c.mset({ '{l}1': 'ohmytext', '{l}2': 'mynewtext' }),
    run: async (c) => [
      await c.lcs('{l}1', '{l}2'),
      await c.lcsLen('{l}1', '{l}2'),
      await c.lcsIdx('{l}1', '{l}2'),
      await c.lcsIdx('{l}1', '{l}2', { minMatchLength: 4, withMatchLength: true }),
    ],
    check: (v) =>
      expect(v).toEqual([
        'mytext',
        6,
        {
          matches: [
            { first: [4, 7], second: [5, 8] },
            { first: [2, 3], second: [0, 1] },
          ],
          length: 6,
        },
        { matches: [{ first: [4, 7], second: [5, 8], length: 4 }], length: 6 },
      ]),
  }),
  defineCase({
    methods: ['move'],
    command: 'MOVE',
    setup: (c) => c.set('k', 'v'),
    run: async (c) => [await c.move('k', 1), await c.move('k', 1), await c.exists('k')],
    check: (v) => expect(v).toEqual([true, false, 0]),
  }),
  defineCase({
    methods: ['sort', 'sortRo', 'sortStore'],
    command: 'SORT_RO',
    setup: async (c) => {
      await c.rpush('{s}list', '3', '1', '2');
      await c.mset({ '{s}w_1': '30', '{s}w_2': '10', '{s}w_3': '20', '{s}o_1': 'one', '{s}o_3': 'three' });
    },
    run: async (c) => [
      await c.sort('{s}list'),
      await c.sort('{s}list', { order: 'DESC', limit: { offset: 0, count: 2 } }),
      await c.sortRo('{s}list', { by: '{s}w_*', get: ['#', '{s}o_*'] }),
      await c.sortRo('{s}list', { alpha: true }),
      await c.sortStore('{s}list', '{s}dest', { order: 'DESC' }),
      await c.lrange('{s}dest', 0, -1),
    ],
    check: (v) =>
      expect(v).toEqual([
        ['1', '2', '3'],
        ['3', '2'],
        ['2', null, '3', 'three', '1', 'one'],
        ['1', '2', '3'],
        3,
        ['3', '2', '1'],
      ]),
  }),
  defineCase({
    methods: ['rpoplpush'],
    command: 'RPOPLPUSH',
    setup: (c) => c.rpush('{l}a', 'x', 'y'),
    run: async (c) => [
      await c.rpoplpush('{l}a', '{l}b'),
      await c.rpoplpush('{l}missing', '{l}b'),
      await c.lrange('{l}b', 0, -1),
    ],
    check: (v) => expect(v).toEqual(['y', null, ['y']]),
  }),
  defineCase({
    methods: ['xsetid'],
    command: 'XSETID',
    setup: (c) => c.xadd('s', { f: 'v' }, { id: '1-1' }),
    run: async (c) => [
      await c.xsetid('s', '5-0'),
      await c.xsetid('s', '6-0', { entriesAdded: 10, maxDeletedId: '2-0' }),
      (await c.xinfoStream('s'))['last-generated-id'],
    ],
    check: (v) => expect(v).toEqual(['OK', 'OK', '6-0']),
  }),
  // Sorted sets
  defineCase({
    methods: ['zrangebyscore', 'zrangebyscoreWithScores', 'zrevrangebyscore', 'zrevrangebyscoreWithScores'],
    command: 'ZRANGEBYSCORE',
    setup: (c) =>
      c.zadd('z', [
        { score: 1, value: 'a' },
        { score: 2, value: 'b' },
        { score: 3.5, value: 'c' },
      ]),
    run: async (c) => [
      await c.zrangebyscore('z', '(1', '+inf'),
      await c.zrangebyscoreWithScores('z', 1, 3, { limit: { offset: 1, count: 5 } }),
      await c.zrevrangebyscore('z', '+inf', 2),
      await c.zrevrangebyscoreWithScores('z', 10, '-inf', { limit: { offset: 0, count: 1 } }),
    ],
    check: (v) =>
      expect(v).toEqual([['b', 'c'], [{ value: 'b', score: 2 }], ['c', 'b'], [{ value: 'c', score: 3.5 }]]),
  }),
  defineCase({
    methods: ['zrevrange', 'zrevrangeWithScores'],
    command: 'ZREVRANGE',
    setup: (c) =>
      c.zadd('z', [
        { score: 1, value: 'a' },
        { score: 2, value: 'b' },
      ]),
    run: async (c) => [await c.zrevrange('z', 0, -1), await c.zrevrangeWithScores('z', 0, 0)],
    check: (v) => expect(v).toEqual([['b', 'a'], [{ value: 'b', score: 2 }]]),
  }),
  defineCase({
    methods: ['zrangebylex', 'zrevrangebylex', 'zlexcount'],
    command: 'ZRANGEBYLEX',
    setup: (c) =>
      c.zadd(
        'z',
        ['a', 'b', 'c', 'd'].map((value) => ({ score: 0, value })),
      ),
    run: async (c) => [
      await c.zrangebylex('z', '[b', '+'),
      await c.zrangebylex('z', '-', '+', { limit: { offset: 1, count: 2 } }),
      await c.zrevrangebylex('z', '(c', '-'),
      await c.zlexcount('z', '[b', '[c'),
    ],
    check: (v) => expect(v).toEqual([['b', 'c', 'd'], ['b', 'c'], ['b', 'a'], 2]),
  }),
  defineCase({
    methods: ['zunion', 'zunionWithScores', 'zinter', 'zinterWithScores', 'zintercard'],
    command: 'ZINTERCARD',
    setup: async (c) => {
      await c.zadd('{z}1', [
        { score: 1, value: 'a' },
        { score: 2, value: 'b' },
      ]);
      await c.zadd('{z}2', [
        { score: 10, value: 'b' },
        { score: 20, value: 'c' },
      ]);
    },
    run: async (c) => [
      await c.zunion(['{z}1', '{z}2']),
      await c.zunionWithScores(['{z}1', '{z}2'], { weights: [1, 2], aggregate: 'MAX' }),
      await c.zinter(['{z}1', '{z}2']),
      await c.zinterWithScores(['{z}1', '{z}2']),
      await c.zintercard(['{z}1', '{z}2']),
      await c.zintercard('{z}1', { limit: 1 }),
    ],
    check: (v) =>
      expect(v).toEqual([
        ['a', 'b', 'c'],
        [
          { value: 'a', score: 1 },
          { value: 'b', score: 20 },
          { value: 'c', score: 40 },
        ],
        ['b'],
        [{ value: 'b', score: 12 }],
        1,
        1,
      ]),
  }),
  defineCase({
    methods: ['zdiff', 'zdiffWithScores', 'zdiffstore'],
    command: 'ZDIFFSTORE',
    setup: async (c) => {
      await c.zadd('{z}1', [
        { score: 1, value: 'a' },
        { score: 2, value: 'b' },
      ]);
      await c.zadd('{z}2', { score: 5, value: 'b' });
    },
    run: async (c) => [
      await c.zdiff(['{z}1', '{z}2']),
      await c.zdiffWithScores('{z}1'),
      await c.zdiffstore('{z}d', ['{z}1', '{z}2']),
      await c.zrangeWithScores('{z}d', 0, -1),
    ],
    check: (v) =>
      expect(v).toEqual([
        ['a'],
        [
          { value: 'a', score: 1 },
          { value: 'b', score: 2 },
        ],
        1,
        [{ value: 'a', score: 1 }],
      ]),
  }),
  defineCase({
    methods: ['zrandmember', 'zrandmemberWithScores'],
    command: 'ZRANDMEMBER',
    setup: (c) => c.zadd('z', { score: 1.5, value: 'only' }),
    run: async (c) => [
      await c.zrandmember('z'),
      await c.zrandmember('missing'),
      await c.zrandmember('z', -2),
      await c.zrandmemberWithScores('z', 1),
    ],
    check: (v) => expect(v).toEqual(['only', null, ['only', 'only'], [{ value: 'only', score: 1.5 }]]),
  }),
];
