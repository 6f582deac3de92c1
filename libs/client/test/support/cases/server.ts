// Cases of the server, connection and scripting commands that issue 17 added, on a standalone server.
import { expect } from 'vitest';
import { defineCase } from '../command-cases.js';

const LIBRARY =
  "#!lua name=cases\nredis.register_function{function_name='noop', callback=function() return 1 end, flags={'no-writes'}}";

export const serverCases = [
  defineCase({
    methods: ['aclCat', 'aclGenPass', 'aclWhoAmI'],
    command: 'ACL WHOAMI',
    run: async (c) => {
      const categories = await c.aclCat();
      const inString = await c.aclCat('string');
      return [
        categories.includes('keyspace'),
        inString.includes('get'),
        (await c.aclGenPass()).length,
        (await c.aclGenPass(32)).length,
        await c.aclWhoAmI(),
      ];
    },
    check: (v) => expect(v).toEqual([true, true, 64, 8, 'default']),
  }),
  defineCase({
    methods: ['clientGetRedir', 'clientTrackingInfo'],
    command: 'CLIENT TRACKINGINFO',
    run: async (c) => [await c.clientGetRedir(), await c.clientTrackingInfo()],
    check: (v) => expect(v).toEqual([-1, { flags: ['off'], redirect: -1, prefixes: [] }]),
  }),
  defineCase({
    methods: ['clientNoTouch'],
    command: 'CLIENT NO-TOUCH',
    run: async (c) => [await c.clientNoTouch('ON'), await c.clientNoTouch('OFF')],
    check: (v) => expect(v).toEqual(['OK', 'OK']),
  }),
  defineCase({
    methods: ['clientSetInfo'],
    command: 'CLIENT SETINFO',
    run: async (c) => [
      await c.clientSetInfo({ libname: 'keyslot-test' }),
      await c.clientSetInfo({ libver: '1.2.3' }),
      /lib-name=keyslot-test lib-ver=1\.2\.3/.test(await c.clientInfo()),
    ],
    check: (v) => expect(v).toEqual(['OK', 'OK', true]),
  }),
  defineCase({
    methods: ['commandDocs', 'commandInfo', 'commandList'],
    command: 'COMMAND DOCS',
    run: async (c) => {
      const docs = await c.commandDocs('get', 'object');
      const [info, missing] = await c.commandInfo('get', 'no-such-command');
      return [
        Object.keys(docs).sort(),
        docs.get?.group,
        docs.get?.arguments?.[0]?.name,
        typeof docs.object?.subcommands,
        info?.slice(0, 6),
        info?.[8]?.[0]?.begin_search,
        missing,
        (await c.commandList()).includes('get'),
        await c.commandList({ filterby: { pattern: 'hget*' } }).then((names) => names.sort()),
        (await c.commandList({ filterby: { category: 'hyperloglog' } })).includes('pfadd'),
      ];
    },
    check: (v) =>
      expect(v).toEqual([
        ['get', 'object'],
        'string',
        'key',
        'object',
        ['get', 2, ['readonly', 'fast'], 1, 1, 1],
        { type: 'index', spec: { index: 1 } },
        null,
        true,
        ['hget', 'hgetall'],
        true,
      ]),
  }),
  defineCase({
    methods: ['commandDocs', 'commandInfo'],
    command: 'COMMAND DOCS',
    // Whole replies, so that the nested parts (subcommands, a one-of's arguments, a subcommand's key specs) are
    // compared between the protocols too: the same objects at every depth.
    run: async (c) => ({ docs: await c.commandDocs('object', 'set'), info: await c.commandInfo('object') }),
    check: ({ docs, info }) => {
      expect(docs.object?.subcommands?.['object|encoding']).toMatchObject({
        group: 'generic',
        arguments: [{ name: 'key', type: 'key', key_spec_index: 0 }],
      });
      // Redis 7.4 adds display_text.
      expect(docs.set?.arguments?.find((a) => a.name === 'condition')?.arguments).toMatchObject([
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
      ]);
      const encoding = info[0]?.[9].find((sub) => sub?.[0] === 'object|encoding');
      expect(encoding?.[8]).toEqual([
        {
          flags: ['RO'],
          begin_search: { type: 'index', spec: { index: 2 } },
          find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
        },
      ]);
    },
  }),
  defineCase({
    methods: ['commandGetKeys', 'commandGetKeysAndFlags'],
    command: 'COMMAND GETKEYSANDFLAGS',
    run: async (c) => [
      await c.commandGetKeys('MSET', 'a', '1', 'b', '2'),
      await c.commandGetKeysAndFlags('LMOVE', 'src', 'dst', 'LEFT', 'LEFT'),
    ],
    check: (v) =>
      expect(v).toEqual([
        ['a', 'b'],
        [
          ['src', ['RW', 'access', 'delete']],
          ['dst', ['RW', 'insert']],
        ],
      ]),
  }),
  defineCase({
    methods: ['memoryDoctor', 'memoryMallocStats', 'memoryPurge', 'memoryStats'],
    command: 'MEMORY STATS',
    run: async (c) => {
      const stats = await c.memoryStats();
      return [
        (await c.memoryDoctor()).length > 0,
        typeof (await c.memoryMallocStats()),
        await c.memoryPurge(),
        typeof stats['peak.allocated'],
        typeof stats['dataset.percentage'],
        typeof stats.fragmentation,
      ];
    },
    check: (v) => expect(v).toEqual([true, 'string', 'OK', 'number', 'number', 'number']),
    varies: true,
  }),
  defineCase({
    methods: ['role'],
    command: 'ROLE',
    run: (c) => c.role(),
    check: (v) => expect(v).toEqual(['master', 0, []]),
  }),
  defineCase({
    methods: ['swapdb'],
    command: 'SWAPDB',
    setup: (c) => c.set('k', 'db0'),
    run: async (c) => [await c.swapdb(0, 1), await c.get('k'), await c.swapdb(0, 1), await c.get('k')],
    check: (v) => expect(v).toEqual(['OK', null, 'OK', 'db0']),
  }),
  defineCase({
    methods: ['functionDump', 'functionRestore', 'functionList', 'functionStats'],
    command: 'FUNCTION RESTORE',
    setup: async (c) => {
      await c.functionFlush();
      await c.functionLoad(LIBRARY);
    },
    run: async (c) => {
      const payload = await c.functionDump();
      await c.functionFlush();
      const restored = await c.functionRestore(payload);
      const replaced = await c.functionRestore(payload, 'REPLACE');
      return [
        Buffer.isBuffer(payload),
        restored,
        replaced,
        await c.functionList(),
        (await c.functionList({ libraryNamePattern: 'case*', withcode: true }))[0]?.library_code === LIBRARY,
        await c.functionStats(),
      ];
    },
    check: (v) =>
      expect(v).toEqual([
        true,
        'OK',
        'OK',
        [
          {
            library_name: 'cases',
            engine: 'LUA',
            functions: [{ name: 'noop', description: null, flags: ['no-writes'] }],
          },
        ],
        true,
        { running_script: null, engines: { LUA: { libraries_count: 1, functions_count: 1 } } },
      ]),
  }),
  defineCase({
    methods: ['scriptDebug'],
    command: 'SCRIPT DEBUG',
    run: (c) => c.scriptDebug('NO'),
    check: (v) => expect(v).toBe('OK'),
  }),
  defineCase({
    methods: ['scriptShow'],
    command: 'SCRIPT SHOW',
    setup: (c) => c.scriptLoad('return 1'),
    run: async (c) => c.scriptShow(await c.scriptLoad('return 1')),
    check: (v) => expect(v).toBe('return 1'),
  }),
];
